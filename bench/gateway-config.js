/**
 * The gateway config the bench runs with: one `openai`-type provider pointing at the mock upstream, one model
 * group with one deployment, usage recorded to a SQLite file in the run's temp dir, and the scenario's fragment
 * merged on top. Written as YAML, the way an operator would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { MODEL } from './scenarios.js';

/**
 * @typedef {object} ConfigInputs
 * @property {number} port Port the gateway listens on (127.0.0.1).
 * @property {string} upstreamUrl Base URL of the mock upstream, e.g. http://127.0.0.1:5123/v1
 * @property {string} dir Temp dir for the config file and the SQLite store.
 * @property {string} logLevel
 */

/**
 * @param {ConfigInputs} inputs
 * @returns {Record<string, unknown>}
 */
export function baseConfig(inputs) {
  return {
    server: { listen: `127.0.0.1:${inputs.port}` },
    storage: { url: `sqlite:${join(inputs.dir, 'gatehouse.db')}` },
    logging: { level: inputs.logLevel },
    providers: {
      upstream: { type: 'openai', base_url: inputs.upstreamUrl, api_key: 'sk-bench-upstream-key' },
    },
    models: [{ name: MODEL, deployments: [{ provider: 'upstream', model: 'mock-gpt', input_cost_per_mtok: 0.15, output_cost_per_mtok: 0.6 }] }],
    // Retries stay at their default; the mock never fails, so none happen.
    routing: { timeout: '30s' },
  };
}

/**
 * Objects merge key by key; arrays and scalars in the fragment replace what was there.
 * @param {Record<string, unknown>} base
 * @param {Record<string, unknown>} fragment
 * @returns {Record<string, unknown>}
 */
export function mergeConfig(base, fragment) {
  /** @type {Record<string, unknown>} */
  const out = { ...base };
  for (const [key, value] of Object.entries(fragment)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? mergeConfig(existing, value) : value;
  }
  return out;
}

/**
 * Write the merged config to `<dir>/gatehouse.yaml` and return its path.
 * @param {ConfigInputs} inputs
 * @param {Record<string, unknown>} fragment
 */
export function writeGatewayConfig(inputs, fragment) {
  const path = join(inputs.dir, 'gatehouse.yaml');
  writeFileSync(path, stringify(mergeConfig(baseConfig(inputs), fragment)));
  return path;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
