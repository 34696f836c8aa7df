/**
 * Time to first token of a streamed chat completion: from the moment the request is written to the moment the
 * first SSE `data:` frame that carries content text arrives (the role-only first frame does not count). One
 * request at a time, over one keep-alive connection per target, the targets (direct, then each scenario's gateway)
 * taking turns request by request, so that any drift in the machine's state affects them all alike.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile } from './loadgen.js';

/** A content delta with at least one character: `"content":"x`. */
const CONTENT_FRAME = /"content":"[^"]/;

/**
 * @typedef {object} TtftTarget
 * @property {string} name
 * @property {string} url
 * @property {Record<string, string>} headers
 */

/**
 * @typedef {object} TtftSummary
 * @property {number} p50Ms
 * @property {number} p90Ms
 * @property {number} count
 */

/**
 * Send one streamed request and resolve with ms until the first content frame (NaN if none came).
 * @param {http.Agent} agent
 * @param {TtftTarget} target
 * @param {string} body
 * @returns {Promise<number>}
 */
function timeFirstToken(agent, target, body) {
  return new Promise((resolve, reject) => {
    let firstTokenMs = Number.NaN;
    let seen = '';
    let sentAt = 0;
    const req = http.request(target.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...target.headers } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${target.url} answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (/** @type {string} */ text) => {
        if (!Number.isNaN(firstTokenMs)) return;
        seen += text;
        if (CONTENT_FRAME.test(seen)) firstTokenMs = performance.now() - sentAt;
      });
      res.on('end', () => resolve(firstTokenMs));
      res.on('error', reject);
    });
    req.on('error', reject);
    sentAt = performance.now();
    req.end(body);
  });
}

/**
 * Time to first token of every target, measured in turns.
 * @param {{ targets: TtftTarget[], body: string, requests: number, warmup: number }} options
 * @returns {Promise<TtftSummary[]>} One summary per target, in the order given.
 */
export async function measureTtft(options) {
  const agents = options.targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  /** @type {number[][]} */
  const samples = options.targets.map(() => []);
  try {
    for (let i = 0; i < options.warmup + options.requests; i++) {
      for (const [t, target] of options.targets.entries()) {
        const ms = await timeFirstToken(/** @type {http.Agent} */ (agents[t]), target, options.body);
        if (Number.isNaN(ms)) throw new Error(`no content frame in the stream from ${target.name} (${target.url})`);
        if (i >= options.warmup) samples[t]?.push(ms);
      }
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return samples.map(summarise);
}

/** @param {number[]} values @returns {TtftSummary} */
function summarise(values) {
  const sorted = Float64Array.from(values).sort();
  return { p50Ms: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9), count: sorted.length };
}
