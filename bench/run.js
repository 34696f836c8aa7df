/**
 * `npm run bench`: the gateway's own cost under load, measured against a mock upstream on this machine.
 *
 * Every selected scenario (bench/scenarios.js) gets a gateway of its own in front of the mock upstream, all of them
 * started up front. Then for every (non-streaming | streaming) × connections pair the same closed-loop load runs
 * against the mock directly, each scenario's gateway and the bare proxy, in short slices taken in turn, so every
 * scenario is compared with one and the same direct baseline, measured in the same minutes; then time to first token
 * of streams, the targets per scenario, and the policy evaluation micro-benchmark. Everything listens on 127.0.0.1
 * and every run is bounded in time. See bench/README.md for the choices behind the numbers.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProfile, summariseProfile } from './cpuprofile-top.js';
import { CLIENT_CPUS, GATEWAY_CPUS, loadMatrix, measure } from './load-matrix.js';
import { busyMachineWarning, describeMachine, formatMachine } from './machine.js';
import { benchPolicyEval, formatPolicyBench } from './policy-eval.js';
import { killChildrenOnExit, pinToCpus, startForked, stopChild } from './processes.js';
import { compareRuns, evaluatePolicyTarget, evaluateTargets, formatTable, formatTargets, formatTtft, writeResults } from './report.js';
import { CHAT_PATH, ScenarioGateway } from './scenario-gateway.js';
import { BASELINE_HEADERS, requestBody, selectScenarios } from './scenarios.js';
import { readSettings } from './settings.js';
import { measureTtft } from './ttft.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const DIRECT = 'direct';
const BARE_PROXY = 'bare proxy';

/**
 * @typedef {import('./settings.js').Settings} Settings
 * @typedef {import('./loadgen.js').LoadResult} LoadResult
 * @typedef {{ settings: Settings, dir: string, mockUrl: string, referenceUrl: string | undefined, pinned: boolean }} Context
 * @typedef {import('./load-matrix.js').Target} Target
 * @typedef {import('./load-matrix.js').LoadSet} LoadSet
 */

/**
 * Direct, every scenario's gateway, and the bare proxy when enabled, in the order they take turns.
 * @param {Context} ctx
 * @param {ScenarioGateway[]} gateways
 * @returns {Target[]}
 */
function targetsOf(ctx, gateways) {
  return [
    { name: DIRECT, url: ctx.mockUrl, headers: BASELINE_HEADERS },
    ...gateways.map((gateway) => ({ name: gateway.scenario.name, url: gateway.url, headers: gateway.headers })),
    ...(ctx.referenceUrl ? [{ name: BARE_PROXY, url: ctx.referenceUrl, headers: BASELINE_HEADERS }] : []),
  ];
}

/**
 * Time to first token of direct and every gateway (not the bare proxy), or undefined when switched off.
 * @param {Context} ctx
 * @param {Target[]} targets
 */
async function measureFirstTokens(ctx, targets) {
  if (ctx.settings.ttftRequests === 0) return undefined;
  const measured = targets.filter((target) => target.name !== BARE_PROXY);
  const body = JSON.stringify(requestBody(true));
  const summaries = await measureTtft({ targets: measured.map((target) => ({ ...target, url: target.url + CHAT_PATH })), body, requests: ctx.settings.ttftRequests, warmup: 50 });
  return new Map(measured.map((target, i) => [target.name, /** @type {import('./ttft.js').TtftSummary} */ (summaries[i])]));
}

/**
 * Each scenario's runs, time to first token and targets, against the one direct baseline.
 * @param {ScenarioGateway[]} gateways
 * @param {Target[]} targets
 * @param {LoadSet[]} sets
 * @param {Map<string, import('./ttft.js').TtftSummary> | undefined} firstTokens
 */
function scenarioResults(gateways, targets, sets, firstTokens) {
  const at = (/** @type {string} */ name) => targets.findIndex((target) => target.name === name);
  const directIndex = at(DIRECT);
  const bareProxy = at(BARE_PROXY);
  const direct = firstTokens?.get(DIRECT);
  return gateways.map(({ scenario }) => {
    const index = at(scenario.name);
    const runs = sets.map((set) => {
      const pick = (/** @type {number} */ i) => /** @type {LoadResult} */ (set.results[i]);
      return compareRuns(set.mode, set.connections, { direct: pick(directIndex), gateway: pick(index), reference: bareProxy === -1 ? undefined : pick(bareProxy) });
    });
    const gateway = firstTokens?.get(scenario.name);
    const ttft = direct && gateway ? { direct, gateway, addedP50Ms: gateway.p50Ms - direct.p50Ms } : undefined;
    return { name: scenario.name, description: scenario.description, runs, ttft, targets: evaluateTargets(runs, ttft) };
  });
}

/**
 * Profile the scenario's gateway again (same config and store) under --cpu-prof at 16 connections, gateway only:
 * profiling slows the process, so these runs say where time goes, not how fast it is.
 * @param {Context} ctx
 * @param {ScenarioGateway} gateway Stopped.
 */
async function profileGateway(ctx, gateway) {
  const name = gateway.scenario.name;
  const profileDir = join(ctx.dir, `profile-${name}`);
  await gateway.launch(['--cpu-prof', '--cpu-prof-dir', profileDir]);
  try {
    for (const stream of [false, true]) {
      const body = JSON.stringify(requestBody(stream));
      await measure(ctx, { url: gateway.url + CHAT_PATH, connections: 16, durationS: ctx.settings.durationS, warmupS: ctx.settings.warmupS, headers: gateway.headers, body });
    }
  } finally {
    await gateway.stop();
  }
  const file = readdirSync(profileDir).find((entry) => entry.endsWith('.cpuprofile'));
  if (!file) throw new Error('the gateway wrote no CPU profile');
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  const kept = join(BENCH_DIR, 'results', `gateway-${name}.cpuprofile`);
  copyFileSync(join(profileDir, file), kept);
  const summary = summariseProfile(JSON.parse(readFileSync(kept, 'utf8')));
  console.log(`\ngateway CPU profile (${name}, json + stream at 16 connections), saved to ${kept}:\n${formatProfile(summary, 25)}`);
  return { file: kept, busyMs: summary.busyMs, areas: summary.areas.slice(0, 15), functions: summary.functions.slice(0, 40) };
}

/** The policy evaluation micro-benchmark (bench/policy-eval.js), run in this process once the gateways are down. */
async function policyEvaluation() {
  const result = await benchPolicyEval();
  const target = evaluatePolicyTarget(result);
  console.log(`\n${formatPolicyBench(result)}\n${formatTargets([target])}`);
  return { ...result, target };
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

/**
 * One gateway per scenario, started one after the other; if one fails, those already started are taken down.
 * @param {Context} ctx
 * @param {import('./scenarios.js').Scenario[]} scenarios
 */
async function startGateways(ctx, scenarios) {
  const place = { parentDir: ctx.dir, mockUrl: ctx.mockUrl, logLevel: ctx.settings.logLevel, cpus: ctx.pinned ? GATEWAY_CPUS : undefined };
  /** @type {ScenarioGateway[]} */
  const gateways = [];
  try {
    for (const scenario of scenarios) {
      console.log(`scenario ${scenario.name}: ${scenario.description}`);
      gateways.push(await ScenarioGateway.start(scenario, place));
    }
  } catch (error) {
    for (const gateway of gateways) await gateway.release();
    throw error;
  }
  return gateways;
}

/**
 * Measure every scenario, print the table, first tokens and targets, then the policy micro-benchmark and, when
 * asked, the profiles. The gateways are stopped (and their setups torn down) whatever happens.
 * @param {Context} ctx
 * @param {ScenarioGateway[]} gateways
 */
async function measureScenarios(ctx, gateways) {
  try {
    const targets = targetsOf(ctx, gateways);
    console.log('');
    const sets = await loadMatrix(ctx, targets);
    const firstTokens = await measureFirstTokens(ctx, targets);
    for (const gateway of gateways) await gateway.stop();
    const scenarios = scenarioResults(gateways, targets, sets, firstTokens);
    console.log(`\n${formatTable(scenarios)}\n`);
    const direct = firstTokens?.get(DIRECT);
    if (direct) console.log(`${formatTtft(direct, scenarios.flatMap(({ name, ttft }) => (ttft ? [{ name, ttft: ttft.gateway }] : [])))}\n`);
    for (const scenario of scenarios) console.log(`targets (${scenario.name}):\n${formatTargets(scenario.targets)}`);
    const policyEval = await policyEvaluation();
    /** @type {Awaited<ReturnType<typeof profileGateway>>[]} */
    const profiles = [];
    if (ctx.settings.profile) for (const gateway of gateways) profiles.push(await profileGateway(ctx, gateway));
    return { scenarios: scenarios.map((scenario, i) => ({ ...scenario, profile: profiles[i] })), policyEval };
  } finally {
    for (const gateway of gateways) await gateway.release();
  }
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
      `load generator ${settings.loadgen}, ${pinned ? `pinned (load generator + mock on CPU ${CLIENT_CPUS}, gateways + bare proxy on CPU ${GATEWAY_CPUS})` : 'not pinned'}`,
  );
  const ctx = { settings, dir, mockUrl: mock.url, referenceUrl: reference?.url, pinned };
  const measured = await measureScenarios(ctx, await startGateways(ctx, scenarios));
  if (reference) await stopChild(reference.child);
  await stopChild(mock.child);
  const loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  const finishedAt = new Date().toISOString();
  writeResults(settings.resultsPath, { startedAt, finishedAt, machine, loadAverageAtEnd, settings: { ...settings, pinned }, ...measured });
  if (warning) console.log(`\n${warning}; load average at the end: ${loadAverageAtEnd.join(' ')}`);
  console.log(`\nresults written to ${settings.resultsPath} (${((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000).toFixed(0)} s)`);
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
