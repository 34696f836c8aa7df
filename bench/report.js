/**
 * Turning measurements into what a reader needs: the direct/gateway table with ratios, the targets with PASS or
 * MISS, and the machine-readable results file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * @typedef {import('./loadgen.js').LoadResult} LoadResult
 * @typedef {{ throughputRatio: number, addedP50Ms: number }} VersusDirect
 * @typedef {{ mode: 'json' | 'stream', connections: number, direct: LoadResult, gateway: LoadResult & VersusDirect, reference: (LoadResult & VersusDirect) | undefined }} RunSet
 * @typedef {{ id: string, description: string, value: number, limit: string, pass: boolean }} TargetResult
 */

/**
 * @param {'json' | 'stream'} mode
 * @param {number} connections
 * @param {{ direct: LoadResult, gateway: LoadResult, reference: LoadResult | undefined }} runs
 * @returns {RunSet}
 */
export function compareRuns(mode, connections, runs) {
  const { direct } = runs;
  /** @param {LoadResult} run */
  const versus = (run) => ({ ...run, throughputRatio: run.rps / direct.rps, addedP50Ms: run.p50Ms - direct.p50Ms });
  return { mode, connections, direct, gateway: versus(runs.gateway), reference: runs.reference && versus(runs.reference) };
}

/**
 * The three targets of the load benchmark. A target whose run is missing (connections not measured) is left out.
 * @param {RunSet[]} sets
 * @param {{ addedP50Ms: number } | undefined} ttft
 * @returns {TargetResult[]}
 */
export function evaluateTargets(sets, ttft) {
  /** @type {TargetResult[]} */
  const targets = [];
  const at16 = sets.find((set) => set.mode === 'json' && set.connections === 16)?.gateway;
  if (at16) targets.push({ id: 'throughput-16', description: 'non-streaming throughput at 16 connections, gateway / direct', value: at16.throughputRatio, limit: '>= 0.40', pass: at16.throughputRatio >= 0.4 });
  const at1 = sets.find((set) => set.mode === 'json' && set.connections === 1)?.gateway;
  if (at1) targets.push({ id: 'added-p50-1', description: 'added median latency at 1 connection, non-streaming (ms)', value: at1.addedP50Ms, limit: '<= 0.30', pass: at1.addedP50Ms <= 0.3 });
  if (ttft) targets.push({ id: 'added-ttft', description: 'added median time to first token, streaming (ms)', value: ttft.addedP50Ms, limit: '<= 1.00', pass: ttft.addedP50Ms <= 1 });
  return targets;
}

/** @param {number} value @param {number} digits */
const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/**
 * The table as Markdown, so it prints readably in a terminal and pastes into the README as is. One row per load
 * and target; the gateway and reference-proxy rows carry their ratio to the direct row above them.
 * @param {RunSet[]} sets
 */
export function formatTable(sets) {
  const lines = [
    '| mode | conns | target | req/s | p50 ms | p99 ms | req/s vs direct | added p50 ms | failures |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const set of sets) {
    /** @param {string} name @param {LoadResult & Partial<VersusDirect>} run */
    const row = (name, run) =>
      `| ${set.mode} | ${set.connections} | ${name} | ${fixed(run.rps, 0)} | ${fixed(run.p50Ms, 3)} | ${fixed(run.p99Ms, 3)} | ${run.throughputRatio === undefined ? '' : fixed(run.throughputRatio, 2)} | ${run.addedP50Ms === undefined ? '' : fixed(run.addedP50Ms, 3)} | ${run.failures} |`;
    lines.push(row('direct', set.direct), row('gateway', set.gateway));
    if (set.reference) lines.push(row('bare proxy', set.reference));
  }
  return lines.join('\n');
}

/**
 * @param {{ direct: { p50Ms: number, p90Ms: number, count: number }, gateway: { p50Ms: number, p90Ms: number, count: number }, addedP50Ms: number }} ttft
 */
export function formatTtft(ttft) {
  return [
    `time to first token, ${ttft.direct.count} sequential streamed requests each (alternating):`,
    `  direct   p50 ${fixed(ttft.direct.p50Ms, 3)} ms   p90 ${fixed(ttft.direct.p90Ms, 3)} ms`,
    `  gateway  p50 ${fixed(ttft.gateway.p50Ms, 3)} ms   p90 ${fixed(ttft.gateway.p90Ms, 3)} ms`,
    `  added    p50 ${fixed(ttft.addedP50Ms, 3)} ms`,
  ].join('\n');
}

/** @param {TargetResult[]} targets */
export function formatTargets(targets) {
  return targets.map((target) => `  ${target.pass ? 'PASS' : 'MISS'}  ${target.description}: ${fixed(target.value, 3)} (target ${target.limit})`).join('\n');
}

/**
 * @param {string} path
 * @param {unknown} results
 */
export function writeResults(path, results) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
