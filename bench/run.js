/**
 * `npm run bench`: the gateway's own cost under load, measured against a mock upstream on this machine.
 *
 * For each scenario (bench/scenarios.js): start a gateway in front of the mock upstream, then for every
 * (non-streaming | streaming) × connections pair run the same closed-loop load first directly against the mock and
 * then through the gateway, back to back, so each ratio compares like with like; then time to first token of
 * streams, direct vs gateway; then the targets. Everything listens on 127.0.0.1 and every run is bounded in time.
 * See bench/README.md for the choices behind the numbers (CPU pinning, where the load generator runs).
 */
import { fork } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfile, summariseProfile } from './cpuprofile-top.js';
import { writeGatewayConfig } from './gateway-config.js';
import { runLoad } from './loadgen.js';
import { busyMachineWarning, describeMachine, formatMachine } from './machine.js';
import { freePort, killChildrenOnExit, pinToCpus, startForked, startGateway, stopChild } from './processes.js';
import { compareRuns, evaluateTargets, formatTable, formatTargets, formatTtft, writeResults } from './report.js';
import { selectScenarios } from './scenarios.js';
import { readSettings } from './settings.js';
import { measureTtft } from './ttft.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const CHAT_PATH = '/v1/chat/completions';
/** With pinning: the bench (load generator) and the mock share CPU 0, the gateway has CPU 1 to itself. */
const CLIENT_CPUS = '0';
const GATEWAY_CPUS = '1';
/** Seconds of load per target and kind of request before a scenario's first measured run. */
const PRIME_SECONDS = 2;

/**
 * @typedef {import('./settings.js').Settings} Settings
 * @typedef {import('./scenarios.js').Scenario} Scenario
 * @typedef {{ settings: Settings, dir: string, mockUrl: string, referenceUrl: string | undefined, pinned: boolean }} Context
 */

/**
 * One load run, in this process or in a child process of its own (BENCH_LOADGEN).
 * @param {Context} ctx
 * @param {import('./loadgen.js').LoadOptions} options
 * @returns {Promise<import('./loadgen.js').LoadResult>}
 */
async function measure(ctx, options) {
  if (ctx.settings.loadgen === 'inline') return runLoad(options);
  const child = fork(join(BENCH_DIR, 'loadgen-child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (ctx.pinned) pinToCpus(/** @type {number} */ (child.pid), CLIENT_CPUS);
  try {
    const message = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the load generator exited (code ${code})`)));
      child.send(options);
    });
    const { result, error } = /** @type {{ result?: import('./loadgen.js').LoadResult, error?: string }} */ (message);
    if (!result) throw new Error(`the load generator failed: ${error}`);
    return result;
  } finally {
    await stopChild(child, 2000);
  }
}

/**
 * Start a gateway for the scenario, with its config in a folder of its own.
 * @param {Context} ctx
 * @param {Scenario} scenario
 * @param {string[]} nodeFlags
 */
async function gatewayFor(ctx, scenario, nodeFlags) {
  const dir = mkdtempSync(join(ctx.dir, `${scenario.name}-`));
  const port = await freePort();
  const configPath = writeGatewayConfig({ port, upstreamUrl: `${ctx.mockUrl}/v1`, dir, logLevel: ctx.settings.logLevel }, scenario.gateway);
  const gateway = await startGateway({ configPath, port, dir, nodeFlags });
  if (ctx.pinned) pinToCpus(/** @type {number} */ (gateway.child.pid), GATEWAY_CPUS);
  return { ...gateway, dir };
}

/**
 * Before the first measured run, drive every target hard with both kinds of request for a while, so that the
 * first row (1 connection) does not pay for a cold JIT and empty connection pools that later rows do not pay for.
 * @param {Context} ctx
 * @param {Scenario} scenario
 * @param {string} gatewayUrl
 */
async function prime(ctx, scenario, gatewayUrl) {
  const bases = [ctx.mockUrl, gatewayUrl, ...(ctx.referenceUrl ? [ctx.referenceUrl] : [])];
  for (const stream of [false, true]) {
    for (const base of bases) {
      await measure(ctx, { url: base + CHAT_PATH, connections: 16, durationS: PRIME_SECONDS, warmupS: 0, headers: scenario.headers, body: JSON.stringify(scenario.body(stream)) });
    }
  }
}

/**
 * The same load against several targets, in `rounds` short slices taken in turn (direct, gateway, bare proxy,
 * direct, …), each target's figures being the median over its slices. Other work on the machine then falls on all
 * targets alike instead of on whichever happened to run at that moment.
 * @param {Context} ctx
 * @param {Omit<import('./loadgen.js').LoadOptions, 'url' | 'durationS' | 'warmupS'>} load
 * @param {string[]} bases
 * @returns {Promise<import('./loadgen.js').LoadResult[]>}
 */
async function measureInTurns(ctx, load, bases) {
  const { rounds, durationS, warmupS } = ctx.settings;
  /** @type {import('./loadgen.js').LoadResult[][]} */
  const slices = bases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, base] of bases.entries()) {
      slices[i]?.push(await measure(ctx, { ...load, url: base + CHAT_PATH, durationS: durationS / rounds, warmupS: round === 0 ? warmupS : 0 }));
    }
  }
  return slices.map(medianOfSlices);
}

/** @param {import('./loadgen.js').LoadResult[]} slices @returns {import('./loadgen.js').LoadResult} */
function medianOfSlices(slices) {
  /** @param {(slice: import('./loadgen.js').LoadResult) => number} pick */
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
 * Every mode × connections load against direct, gateway and (when enabled) the reference proxy.
 * @param {Context} ctx
 * @param {Scenario} scenario
 * @param {string} gatewayUrl
 */
async function loadMatrix(ctx, scenario, gatewayUrl) {
  await prime(ctx, scenario, gatewayUrl);
  const bases = [ctx.mockUrl, gatewayUrl, ...(ctx.referenceUrl ? [ctx.referenceUrl] : [])];
  const sets = [];
  for (const mode of /** @type {const} */ (['json', 'stream'])) {
    const body = JSON.stringify(scenario.body(mode === 'stream'));
    for (const connections of ctx.settings.connections) {
      process.stdout.write(`  ${mode.padEnd(6)} ${String(connections).padStart(3)} connections: `);
      const [direct, gateway, reference] = await measureInTurns(ctx, { connections, headers: scenario.headers, body }, bases);
      if (!direct || !gateway) throw new Error('a load run returned nothing');
      process.stdout.write(`direct ${direct.rps.toFixed(0)} req/s, gateway ${gateway.rps.toFixed(0)} req/s${reference ? `, bare proxy ${reference.rps.toFixed(0)} req/s` : ''}\n`);
      sets.push(compareRuns(mode, connections, { direct, gateway, reference }));
    }
  }
  return sets;
}

/**
 * Profile a second gateway (same config) under the target loads, gateway-only: --cpu-prof slows the process, so
 * these runs say where time goes, not how fast it is.
 * @param {Context} ctx
 * @param {Scenario} scenario
 */
async function profileGateway(ctx, scenario) {
  const profileDir = join(ctx.dir, `profile-${scenario.name}`);
  const gateway = await gatewayFor(ctx, scenario, ['--cpu-prof', '--cpu-prof-dir', profileDir]);
  try {
    for (const stream of [false, true]) {
      await measure(ctx, { url: gateway.url + CHAT_PATH, connections: 16, durationS: ctx.settings.durationS, warmupS: ctx.settings.warmupS, headers: scenario.headers, body: JSON.stringify(scenario.body(stream)) });
    }
  } finally {
    await stopChild(gateway.child);
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('the gateway wrote no CPU profile');
  const kept = join(BENCH_DIR, 'results', `gateway-${scenario.name}.cpuprofile`);
  copyFileSync(join(profileDir, file), kept);
  const summary = summariseProfile(JSON.parse(readFileSync(kept, 'utf8')));
  console.log(`\ngateway CPU profile (${scenario.name}, json + stream at 16 connections), saved to ${kept}:\n${formatProfile(summary, 25)}`);
  return { file: kept, busyMs: summary.busyMs, areas: summary.areas.slice(0, 15), functions: summary.functions.slice(0, 40) };
}

/**
 * @param {Context} ctx
 * @param {Scenario} scenario
 */
async function runScenario(ctx, scenario) {
  console.log(`\nscenario ${scenario.name}: ${scenario.description}`);
  const gateway = await gatewayFor(ctx, scenario, []);
  let sets;
  let ttft;
  try {
    sets = await loadMatrix(ctx, scenario, gateway.url);
    const streamBody = JSON.stringify(scenario.body(true));
    ttft = ctx.settings.ttftRequests > 0
      ? await measureTtft({ direct: { url: ctx.mockUrl + CHAT_PATH, headers: scenario.headers }, gateway: { url: gateway.url + CHAT_PATH, headers: scenario.headers }, body: streamBody, requests: ctx.settings.ttftRequests, warmup: 50 })
      : undefined;
  } finally {
    await stopChild(gateway.child);
  }
  const targets = evaluateTargets(sets, ttft);
  console.log(`\n${formatTable(sets)}\n`);
  if (ttft) console.log(`${formatTtft(ttft)}\n`);
  console.log(`targets (${scenario.name}):\n${formatTargets(targets)}`);
  const profile = ctx.settings.profile ? await profileGateway(ctx, scenario) : undefined;
  return { name: scenario.name, description: scenario.description, runs: sets, ttft, targets, profile };
}

/**
 * Start the mock upstream and, when enabled, the reference proxy in front of it; pin them and this process.
 * @param {Settings} settings
 * @param {number} cores
 */
async function startFixtures(settings, cores) {
  const mock = await startForked('mock-upstream.js', { MOCK_CHUNK_DELAY_MS: String(settings.chunkDelayMs) });
  const reference = settings.reference ? await startForked('reference-proxy.js', { UPSTREAM_URL: mock.url }) : undefined;
  const pid = (/** @type {{ child: import('node:child_process').ChildProcess }} */ server) => /** @type {number} */ (server.child.pid);
  const pinned =
    settings.pin && cores >= 2 && pinToCpus(process.pid, CLIENT_CPUS) && pinToCpus(pid(mock), CLIENT_CPUS) && (!reference || pinToCpus(pid(reference), GATEWAY_CPUS));
  return { mock, reference, pinned };
}

async function main() {
  killChildrenOnExit();
  const startedAt = new Date().toISOString();
  const settings = readSettings(process.env, join(BENCH_DIR, 'results', 'latest.json'));
  const scenarios = selectScenarios(settings.scenarios);
  const machine = describeMachine();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  // On exit rather than in a finally: an interrupted bench leaves through process.exit, which skips finally blocks.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const { mock, reference, pinned } = await startFixtures(settings, machine.cores);
  console.log(`machine: ${formatMachine(machine)}`);
  const warning = busyMachineWarning(machine);
  if (warning) console.log(warning);
  console.log(
    `settings: ${settings.durationS} s per run after ${settings.warmupS} s warm-up, connections ${settings.connections.join('/')}, gateway log level ${settings.logLevel}, ` +
      `load generator ${settings.loadgen}, ${pinned ? `pinned (load generator + mock on CPU ${CLIENT_CPUS}, gateway + bare proxy on CPU ${GATEWAY_CPUS})` : 'not pinned'}`,
  );
  const ctx = { settings, dir, mockUrl: mock.url, referenceUrl: reference?.url, pinned };
  const results = [];
  for (const scenario of scenarios) results.push(await runScenario(ctx, scenario));
  if (reference) await stopChild(reference.child);
  await stopChild(mock.child);
  const loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  writeResults(settings.resultsPath, { startedAt, machine, loadAverageAtEnd, settings: { ...settings, pinned }, scenarios: results });
  if (warning) console.log(`\n${warning}; load average at the end: ${loadAverageAtEnd.join(' ')}`);
  console.log(`\nresults written to ${settings.resultsPath}`);
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
