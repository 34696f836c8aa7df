/**
 * Benchmark scenarios: how the gateway is configured and how its callers authenticate. A run of the bench measures
 * the scenarios named in BENCH_SCENARIOS (comma-separated; default all), each with a gateway of its own, all of
 * them alive at once and measured in turn against one direct-to-mock baseline (bench/run.js).
 *
 * A scenario is a name, a gateway config fragment (deep-merged over the base config of bench/gateway-config.js,
 * arrays replaced), the headers of its requests, and optionally an async `setup` for what cannot be static: an
 * issuer to trust, a token to mint, a key to create through the running gateway's admin API. Every scenario sends
 * the same request body (`requestBody`), so that one direct baseline serves them all.
 */
import { startJwtIssuer } from './jwt-issuer.js';
import { POLICY_CALLER, POLICY_HEADERS, scenarioPolicy } from './scenario-policy.js';
import { createVirtualKey } from './virtual-key.js';

/**
 * @typedef {object} RunningGateway
 * @property {string} url Base URL, e.g. http://127.0.0.1:41234
 * @property {Record<string, string>} adminHeaders Headers that authenticate an administrator (the bootstrap key).
 */

/**
 * What a scenario's setup started and contributes.
 * @typedef {object} Prepared
 * @property {Record<string, unknown>} [gateway] More config, merged over the scenario's `gateway` fragment.
 * @property {(gateway: RunningGateway) => Promise<Record<string, string>>} [headers] Called once the gateway is ready; merged over the scenario's `headers`.
 * @property {() => Promise<void>} [teardown] Stops what setup started; called when the bench is done with the scenario, whether it succeeded or not.
 */

/**
 * @typedef {object} SetupContext
 * @property {string} dir A temp folder of the scenario's own (its gateway's config and store live there too).
 */

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} description
 * @property {Record<string, unknown>} gateway Config fragment merged over the base config.
 * @property {Record<string, string>} headers Headers of every request through the gateway.
 * @property {(context: SetupContext) => Promise<Prepared>} [setup] Runs before the gateway starts.
 */

/** The model group every scenario asks for; bench/gateway-config.js maps it to the mock upstream. */
export const MODEL = 'bench-model';

/** The bootstrap API key every scenario's gateway has (the admin API needs one). Only ever sent to 127.0.0.1. */
const BENCH_API_KEY = 'gh-bench-0123456789abcdef0123456789abcdef';
const BOOTSTRAP_HEADERS = { authorization: `Bearer ${BENCH_API_KEY}` };
const WITH_BOOTSTRAP_KEY = { server: { api_keys: [BENCH_API_KEY] } };

/** Headers that authenticate an administrator of any scenario's gateway. */
export const ADMIN_HEADERS = BOOTSTRAP_HEADERS;

/**
 * Headers of the direct and bare-proxy requests: the mock ignores them; they make those requests the size of an
 * `api-key` request.
 */
export const BASELINE_HEADERS = BOOTSTRAP_HEADERS;

/** Far beyond any bench run; the gateway still re-verifies a token when its cache entry ages out (10 minutes). */
const TOKEN_LIFETIME_S = 24 * 3600;

/**
 * The chat completion request of every scenario and of the direct baseline.
 * @param {boolean} stream
 */
export function requestBody(stream) {
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

/**
 * Trust a fresh local issuer and call with one long-lived token from it.
 * @param {Record<string, unknown>} claims
 * @returns {Promise<Prepared>}
 */
async function bearerJwt(claims) {
  const issuer = await startJwtIssuer();
  try {
    const token = await issuer.sign(claims, TOKEN_LIFETIME_S);
    return {
      gateway: { identity: { bearer: [issuer.bearerConfig()] } },
      headers: async () => ({ authorization: `Bearer ${token}` }),
      teardown: issuer.close,
    };
  } catch (error) {
    await issuer.close();
    throw error;
  }
}

/**
 * Limits and budgets that every request is checked against and counted in, all far out of reach so none refuses:
 * per-user rpm, tpm and concurrency, a per-user monthly budget and the deployment's own rpm/tpm. With Redis, the
 * shared backend (one round trip for the limits and one for the budget per request, in parallel, plus the
 * deployment gate); without, the in-memory one.
 */
const LIMITED_POLICY = [
  { name: 'signed-in callers', allow: { authenticated_user: true } },
  { name: 'per-user limits and budget', when: { authenticated_user: true }, limits: [{ per: 'user', rpm: 100_000_000, tpm: 1_000_000_000_000, concurrent: 100_000 }], budgets: [{ per: 'user', usd: 1_000_000_000, period: 'month' }] },
];
const LIMITED_MODEL = { models: [{ name: MODEL, deployments: [{ provider: 'upstream', model: 'mock-gpt', input_cost_per_mtok: 0.15, output_cost_per_mtok: 0.6, rpm: 100_000_000, tpm: 1_000_000_000_000 }] }] };
const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** @type {readonly Scenario[]} */
export const SCENARIOS = [
  {
    name: 'api-key',
    description: 'bootstrap API key (server.api_keys), default policy',
    gateway: WITH_BOOTSTRAP_KEY,
    headers: BOOTSTRAP_HEADERS,
  },
  {
    name: 'jwt',
    description: 'bearer JWT (RS256) from an issuer whose JWKS is served on 127.0.0.1, default policy; one token, so after the first request every verification is a cache hit',
    gateway: WITH_BOOTSTRAP_KEY,
    headers: {},
    setup: () => bearerJwt({ sub: 'bench-user', email: 'bench-user@example.com', groups: ['engineering'] }),
  },
  {
    name: 'virtual-key',
    description: 'a ghk_ service key created through the admin API (keyed-hash lookup cached for identity.keys.revocation_delay), default policy',
    gateway: { ...WITH_BOOTSTRAP_KEY, secret: 'bench-secret-0123456789abcdef0123' },
    headers: {},
    setup: async () => ({
      headers: async (gateway) => ({ authorization: `Bearer ${await createVirtualKey(gateway.url, gateway.adminHeaders, { name: 'bench', owner_user: 'svc-bench', owner_team: 'bench' })}` }),
    }),
  },
  {
    name: 'policy-50',
    description: 'bearer JWT as in `jwt`, with the 50-rule policy of bench/policy-eval.js (its limits and budgets, enforced, raised out of reach)',
    gateway: { ...WITH_BOOTSTRAP_KEY, policies: scenarioPolicy() },
    headers: POLICY_HEADERS,
    setup: () => bearerJwt(POLICY_CALLER),
  },
  {
    name: 'limits-memory',
    description: 'bearer JWT as in `jwt`, with per-user rpm/tpm/concurrent limits, a per-user monthly budget and deployment rpm/tpm (all out of reach), in-memory counters',
    gateway: { ...WITH_BOOTSTRAP_KEY, ...LIMITED_MODEL, policies: LIMITED_POLICY },
    headers: {},
    setup: () => bearerJwt({ sub: 'bench-user', email: 'bench-user@example.com', groups: ['engineering'] }),
  },
  {
    name: 'limits-redis',
    description: `as limits-memory, with the counters in Redis (BENCH_REDIS_URL, default ${BENCH_REDIS_URL}) shared by every replica`,
    gateway: { ...WITH_BOOTSTRAP_KEY, ...LIMITED_MODEL, policies: LIMITED_POLICY, redis: { url: BENCH_REDIS_URL, key_prefix: `gatehouse-bench:${process.pid}:` } },
    headers: {},
    setup: () => bearerJwt({ sub: 'bench-user', email: 'bench-user@example.com', groups: ['engineering'] }),
  },
];

/**
 * The scenarios named in a comma-separated list, in that order; `all` (or nothing) is every scenario.
 * @param {string} list
 * @returns {Scenario[]}
 */
export function selectScenarios(list) {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return [...SCENARIOS];
  return names.map((name) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return scenario;
  });
}
