/**
 * Turning measurements into what a reader needs: one table of every scenario's gateway against the direct
 * baseline, with ratios; time to first token; the targets with PASS or MISS; and the machine-readable results file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * @typedef {import('./loadgen.js').LoadResult} LoadResult
 * @typedef {{ throughputRatio: number, addedP50Ms: number }} VersusDirect
 * @typedef {{ mode: 'json' | 'stream', connections: number, direct: LoadResult, gateway: LoadResult & VersusDirect, reference: (LoadResult & VersusDirect) | undefined }} RunSet
 * @typedef {{ id: string, description: string, value: number, limit: string, pass: boolean }} TargetResult
 * @typedef {import('./ttft.js').TtftSummary} TtftSummary
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
 * The table as Markdown, so it prints readably in a terminal and pastes into the README as is. For each load, the
 * direct row, then each scenario's gateway and the bare proxy, each with its ratio to that one direct row (every
 * scenario's runs share it: see bench/run.js).
 * @param {{ name: string, runs: RunSet[] }[]} scenarios
 */
export function formatTable(scenarios) {
  const lines = [
    '| mode | conns | target | req/s | p50 ms | p99 ms | req/s vs direct | added p50 ms | failures |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const [first] = scenarios;
  for (const [k, set] of (first?.runs ?? []).entries()) {
    /** @param {string} name @param {LoadResult & Partial<VersusDirect>} run */
    const row = (name, run) =>
      `| ${set.mode} | ${set.connections} | ${name} | ${fixed(run.rps, 0)} | ${fixed(run.p50Ms, 3)} | ${fixed(run.p99Ms, 3)} | ${run.throughputRatio === undefined ? '' : fixed(run.throughputRatio, 2)} | ${run.addedP50Ms === undefined ? '' : fixed(run.addedP50Ms, 3)} | ${run.failures} |`;
    lines.push(row('direct', set.direct));
    for (const scenario of scenarios) {
      const gateway = scenario.runs[k]?.gateway;
      if (gateway) lines.push(row(`gateway, ${scenario.name}`, gateway));
    }
    if (set.reference) lines.push(row('bare proxy', set.reference));
  }
  return lines.join('\n');
}

/**
 * @param {TtftSummary} direct
 * @param {{ name: string, ttft: TtftSummary }[]} gateways
 */
export function formatTtft(direct, gateways) {
  const line = (/** @type {string} */ name, /** @type {TtftSummary} */ ttft, /** @type {string} */ extra) =>
    `  ${name.padEnd(22)} p50 ${fixed(ttft.p50Ms, 3)} ms   p90 ${fixed(ttft.p90Ms, 3)} ms${extra}`;
  return [
    `time to first token, ${direct.count} sequential streamed requests per target (taking turns):`,
    line('direct', direct, ''),
    ...gateways.map((gateway) => line(`gateway, ${gateway.name}`, gateway.ttft, `   added p50 ${fixed(gateway.ttft.p50Ms - direct.p50Ms, 3)} ms`)),
  ].join('\n');
}

/** The policy evaluation target: a 50-rule policy decides in under 20 µs (median). */
const POLICY_EVAL_LIMIT_US = 20;

/**
 * @param {{ rules: number, medianUs: number }} result What bench/policy-eval.js measured.
 * @returns {TargetResult}
 */
export function evaluatePolicyTarget(result) {
  return {
    id: 'policy-eval-median',
    description: `median evaluation time of a ${result.rules}-rule policy (µs)`,
    value: result.medianUs,
    limit: `< ${POLICY_EVAL_LIMIT_US}`,
    pass: result.medianUs < POLICY_EVAL_LIMIT_US,
  };
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
