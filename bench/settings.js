/** The bench's knobs, all from the environment (documented in bench/README.md), checked once at start. */

/**
 * @typedef {object} Settings
 * @property {number} durationS Measured seconds per load run (BENCH_DURATION).
 * @property {number} rounds Slices each run is cut into, targets taking turns (BENCH_ROUNDS).
 * @property {number} warmupS Warm-up seconds before each load run (BENCH_WARMUP).
 * @property {number[]} connections (BENCH_CONNECTIONS)
 * @property {string} scenarios Comma-separated scenario names, or `all` (BENCH_SCENARIOS).
 * @property {string} logLevel Gateway logging.level (BENCH_LOG_LEVEL).
 * @property {'inline' | 'child'} loadgen Where autocannon runs (BENCH_LOADGEN).
 * @property {boolean} pin Pin processes to CPUs with taskset (BENCH_PIN).
 * @property {number} ttftRequests Measured streamed requests per target for time to first token (BENCH_TTFT_REQUESTS).
 * @property {number} chunkDelayMs Mock upstream delay between stream chunks (BENCH_CHUNK_DELAY_MS).
 * @property {boolean} reference Also measure the bare reference proxy (BENCH_REFERENCE).
 * @property {boolean} profile Also profile the gateway under load with --cpu-prof (BENCH_PROFILE).
 * @property {string} resultsPath (BENCH_RESULTS)
 */

/**
 * Per (mode, connections, target): measured and warm-up seconds. Every target of every selected scenario runs
 * every load, so the bench's length grows with the number of scenarios: with all four, 6 targets × 6 loads ×
 * 7 s ≈ 4¼ minutes of load (see bench/README.md).
 */
const DEFAULT_DURATION_S = 6;
const DEFAULT_WARMUP_S = 1;

/**
 * @param {string | undefined} raw
 * @param {number} fallback
 * @param {string} name
 */
function positiveNumber(raw, fallback, name) {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * @param {string | undefined} raw
 * @param {boolean} fallback
 */
function flag(raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} defaultResultsPath
 * @returns {Settings}
 */
export function readSettings(env, defaultResultsPath) {
  const loadgen = env.BENCH_LOADGEN ?? 'inline';
  if (loadgen !== 'inline' && loadgen !== 'child') throw new Error(`BENCH_LOADGEN must be "inline" or "child", got ${JSON.stringify(loadgen)}`);
  const connections = (env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map((part) => Math.trunc(positiveNumber(part.trim(), 1, 'BENCH_CONNECTIONS')));
  if (connections.some((count) => count < 1)) throw new Error('BENCH_CONNECTIONS must list positive integers');
  return {
    durationS: positiveNumber(env.BENCH_DURATION, DEFAULT_DURATION_S, 'BENCH_DURATION'),
    warmupS: positiveNumber(env.BENCH_WARMUP, DEFAULT_WARMUP_S, 'BENCH_WARMUP'),
    rounds: Math.max(1, Math.trunc(positiveNumber(env.BENCH_ROUNDS, 4, 'BENCH_ROUNDS'))),
    connections,
    scenarios: env.BENCH_SCENARIOS ?? 'all',
    logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
    loadgen,
    pin: flag(env.BENCH_PIN, true),
    ttftRequests: Math.trunc(positiveNumber(env.BENCH_TTFT_REQUESTS, 300, 'BENCH_TTFT_REQUESTS')),
    chunkDelayMs: positiveNumber(env.BENCH_CHUNK_DELAY_MS, 0, 'BENCH_CHUNK_DELAY_MS'),
    reference: flag(env.BENCH_REFERENCE, true),
    profile: flag(env.BENCH_PROFILE, false),
    resultsPath: env.BENCH_RESULTS ?? defaultResultsPath,
  };
}
