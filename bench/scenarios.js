/**
 * Benchmark scenarios: what the gateway is configured with and what each request carries. Every run of the bench
 * measures one or more scenarios (env BENCH_SCENARIOS, comma-separated; default `api-key`), each against its own
 * freshly started gateway and with its own direct-to-mock baseline.
 *
 * A scenario is a name, a gateway config fragment (deep-merged over the base config of bench/gateway-config.js,
 * arrays replaced), and the headers and body of its requests. Adding one (JWT auth, virtual keys, a policy with
 * 50 rules, limits on memory or Redis) means adding an entry here; nothing else in the bench changes.
 */

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} description
 * @property {Record<string, unknown>} gateway Config fragment merged over the base config.
 * @property {Record<string, string>} headers Headers of every request through the gateway (auth, mostly).
 * @property {(stream: boolean) => Record<string, unknown>} body The chat completion request body.
 */

/** The model group every scenario asks for; bench/gateway-config.js maps it to the mock upstream. */
export const MODEL = 'bench-model';

/** The bootstrap API key of the `api-key` scenario. Only ever sent to 127.0.0.1. */
const BENCH_API_KEY = 'gh-bench-0123456789abcdef0123456789abcdef';

/** @param {boolean} stream */
function chatBody(stream) {
  return {
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Say something short about foxes.' },
    ],
    max_tokens: 64,
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  };
}

/** @type {readonly Scenario[]} */
export const SCENARIOS = [
  {
    name: 'api-key',
    description: 'bootstrap API key auth (server.api_keys), default policy, usage recorded to SQLite',
    gateway: { server: { api_keys: [BENCH_API_KEY] } },
    headers: { authorization: `Bearer ${BENCH_API_KEY}` },
    body: chatBody,
  },
];

/**
 * The scenarios named in a comma-separated list, in that order.
 * @param {string} list
 * @returns {Scenario[]}
 */
export function selectScenarios(list) {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => {
      const scenario = SCENARIOS.find((candidate) => candidate.name === name);
      if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
      return scenario;
    });
}
