/**
 * The load matrix: every (non-streaming | streaming) × connections load against every target (the mock directly,
 * each scenario's gateway, the bare proxy), each run cut into short slices the targets take in turn.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './loadgen.js';
import { pinToCpus, stopChild } from './processes.js';
import { CHAT_PATH } from './scenario-gateway.js';
import { requestBody } from './scenarios.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
/** With pinning: the bench (load generator) and the mock share CPU 0, the gateways have CPU 1 to themselves. */
export const CLIENT_CPUS = '0';
export const GATEWAY_CPUS = '1';
/** Seconds of load per target and kind of request before the first measured run. */
const PRIME_SECONDS = 2;

/**
 * @typedef {import('./settings.js').Settings} Settings
 * @typedef {import('./loadgen.js').LoadResult} LoadResult
 * @typedef {{ settings: Settings, pinned: boolean }} LoadContext
 * @typedef {{ name: string, url: string, headers: Record<string, string> }} Target What one load is sent to: a base URL.
 * @typedef {{ mode: 'json' | 'stream', connections: number, results: LoadResult[] }} LoadSet One load, a result per target.
 */

/**
 * One load run, in this process or in a child process of its own (BENCH_LOADGEN).
 * @param {LoadContext} ctx
 * @param {import('./loadgen.js').LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function measure(ctx, options) {
  if (ctx.settings.loadgen === 'inline') return runLoad(options);
  const child = fork(join(BENCH_DIR, 'loadgen-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (ctx.pinned) pinToCpus(/** @type {number} */ (child.pid), CLIENT_CPUS);
  try {
    const message = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the load generator exited (code ${code})`)));
      child.send(options);
    });
    const { result, error } = /** @type {{ result?: LoadResult, error?: string }} */ (message);
    if (!result) throw new Error(`the load generator failed: ${error}`);
    return result;
  } finally {
    await stopChild(child, 2000);
  }
}

/**
 * Before the first measured run, drive every target hard with both kinds of request for a while, so that the
 * first row (1 connection) does not pay for a cold JIT and empty connection pools that later rows do not pay for.
 * @param {LoadContext} ctx
 * @param {Target[]} targets
 */
async function prime(ctx, targets) {
  for (const stream of [false, true]) {
    for (const target of targets) {
      await measure(ctx, { url: target.url + CHAT_PATH, connections: 16, durationS: PRIME_SECONDS, warmupS: 0, headers: target.headers, body: JSON.stringify(requestBody(stream)) });
    }
  }
}

/**
 * The same load against every target, in `rounds` short slices taken in turn (direct, each gateway, bare proxy,
 * direct, …), each target's figures being the median over its slices. Other work on the machine then falls on all
 * targets alike instead of on whichever happened to run at that moment.
 * @param {LoadContext} ctx
 * @param {{ connections: number, body: string }} load
 * @param {Target[]} targets
 * @returns {Promise<LoadResult[]>}
 */
async function measureInTurns(ctx, load, targets) {
  const { rounds, durationS, warmupS } = ctx.settings;
  /** @type {LoadResult[][]} */
  const slices = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const options = { ...load, url: target.url + CHAT_PATH, headers: target.headers, durationS: durationS / rounds, warmupS: round === 0 ? warmupS : 0 };
      slices[i]?.push(await measure(ctx, options));
    }
  }
  return slices.map(medianOfSlices);
}

/** @param {LoadResult[]} slices @returns {LoadResult} */
function medianOfSlices(slices) {
  /** @param {(slice: LoadResult) => number} pick */
  const median = (pick) => {
    const values = slices.map(pick).sort((a, b) => a - b);
    const mid = values.length >> 1;
    return values.length % 2 === 1 ? (values[mid] ?? Number.NaN) : ((values[mid - 1] ?? Number.NaN) + (values[mid] ?? Number.NaN)) / 2;
  };
  return {
    rps: median((slice) => slice.rps),
    p50Ms: median((slice) => slice.p50Ms),
    p99Ms: median((slice) => slice.p99Ms),
    requests: slices.reduce((sum, slice) => sum + slice.requests, 0),
    failures: slices.reduce((sum, slice) => sum + slice.failures, 0),
  };
}

/**
 * Every mode × connections load against every target.
 * @param {LoadContext} ctx
 * @param {Target[]} targets
 * @returns {Promise<LoadSet[]>}
 */
export async function loadMatrix(ctx, targets) {
  await prime(ctx, targets);
  /** @type {LoadSet[]} */
  const sets = [];
  for (const mode of /** @type {const} */ (['json', 'stream'])) {
    const body = JSON.stringify(requestBody(mode === 'stream'));
    for (const connections of ctx.settings.connections) {
      process.stdout.write(`  ${mode.padEnd(6)} ${String(connections).padStart(3)} connections, req/s: `);
      const results = await measureInTurns(ctx, { connections, body }, targets);
      process.stdout.write(`${results.map((result, i) => `${targets[i]?.name} ${result.rps.toFixed(0)}`).join(', ')}\n`);
      sets.push({ mode, connections, results });
    }
  }
  return sets;
}

