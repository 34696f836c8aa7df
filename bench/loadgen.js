/**
 * One closed-loop load run with autocannon: N connections, each sending its next request as soon as the last
 * answer (for a stream: the whole stream) is in. autocannon's own latency histogram keeps whole milliseconds only,
 * too coarse for a gateway that should add a fraction of one, so latencies are taken from its `response` event
 * (hrtime-based, fractional ms) and the percentiles computed here.
 */
import autocannon from 'autocannon';

/**
 * @typedef {object} LoadOptions
 * @property {string} url Full URL of the endpoint.
 * @property {number} connections
 * @property {number} durationS Measured seconds.
 * @property {number} warmupS Seconds of the same load run first and thrown away (connections, JIT, pools).
 * @property {Record<string, string>} headers
 * @property {string} body
 */

/**
 * @typedef {object} LoadResult
 * @property {number} rps 2xx responses per second over the measured window.
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} requests 2xx responses counted.
 * @property {number} failures Non-2xx responses, socket errors and timeouts.
 */

/** @param {LoadOptions} options @param {number} durationS */
function cannon(options, durationS) {
  return autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: durationS,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    timeout: 10,
    // autocannon stops only at a sampling tick (default every 1000 ms), which would round every run, and every
    // short slice of one, up to whole seconds; ticking every 100 ms keeps run lengths as asked.
    sampleInt: 100,
  });
}

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(options) {
  if (options.warmupS > 0) await cannon(options, options.warmupS);
  const samples = new LatencySamples();
  const instance = cannon(options, options.durationS);
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) samples.add(responseTimeMs);
  });
  const result = await instance;
  const sorted = samples.sorted();
  return {
    rps: sorted.length / result.duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    requests: sorted.length,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** A growable array of latencies in ms, kept as doubles without per-sample allocation. */
class LatencySamples {
  constructor() {
    this.values = new Float64Array(1 << 16);
    this.length = 0;
  }

  /** @param {number} ms */
  add(ms) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = ms;
  }

  sorted() {
    return this.values.subarray(0, this.length).sort();
  }
}

/**
 * Nearest-rank percentile of sorted values; NaN when there are none.
 * @param {ArrayLike<number>} sorted
 * @param {number} q between 0 and 1
 */
export function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}
