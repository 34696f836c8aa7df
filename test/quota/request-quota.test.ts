/**
 * The limits-and-budgets stage on its own, over the real backends: all or nothing across limits and budgets,
 * settlement with the real usage, deployment gates, and what each `on_redis_error` mode does when Redis is away
 * (a port nothing listens on: every call fails at once, as against a dead Redis).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type GatehouseConfig } from '../../src/config/schema.js';
import { GatehouseError } from '../../src/errors.js';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import type { LlmRequest } from '../../src/llm/types.js';
import { createLogger } from '../../src/observability/logger.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { NO_OBLIGATIONS, type Obligations } from '../../src/policy/obligations.js';
import { admitRequest, QuotaServices } from '../../src/quota/index.js';
import { DeploymentSaturated } from '../../src/router/index.js';
import type { Deployment, ModelGroup } from '../../src/router/types.js';
import { openStore, type Store } from '../../src/store/database.js';
import { freePort } from '../support/free-port.js';
import { LogCapture } from '../support/log-capture.js';
import { metricValue } from '../support/prometheus.js';

const alice: Principal = { ...ANONYMOUS, authenticated: true, authMethod: 'jwt', subject: 'alice', claims: { department: 'legal' } };

function deployment(id: string, extra: Partial<Deployment> = {}): Deployment {
  return { id, group: 'gpt', provider: { name: 'p' } as Deployment['provider'], model: 'm', region: undefined, weight: 1, rpm: undefined, tpm: undefined, inputCostPerMtok: 1, outputCostPerMtok: 1, timeoutMs: undefined, ...extra };
}

function group(...deployments: Deployment[]): ModelGroup {
  return { name: 'gpt', description: undefined, tags: [], deployments, fallbacks: [] };
}

function request(maxTokens: number | undefined = 100): LlmRequest {
  return { endpoint: 'chat', dialect: 'openai', model: 'gpt', stream: false, maxTokens, body: { model: 'gpt', messages: [{ role: 'user', content: 'x'.repeat(40) }] } } as unknown as LlmRequest;
}

function obligations(partial: Partial<Obligations>): Obligations {
  return { ...NO_OBLIGATIONS, ...partial };
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function services(config: Record<string, unknown> = {}): Promise<{ quota: QuotaServices; metrics: GatewayMetrics; logs: LogCapture; store: Store }> {
  const parsed: GatehouseConfig = configSchema.parse(config);
  const store = await openStore('sqlite::memory:');
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const logs = new LogCapture();
  const quota = new QuotaServices({ config: parsed, db: store.db, logger: createLogger('debug', logs), metrics: metrics.quota, currentConfig: () => parsed });
  open.push(store, quota);
  return { quota, metrics, logs, store };
}

async function refusal(promise: Promise<unknown>): Promise<GatehouseError> {
  const error = await promise.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

describe('admitRequest', () => {
  it('costs nothing when nothing binds the request', async () => {
    const { quota } = await services();
    const admitted = await admitRequest(quota, alice, request(), group(deployment('a')), undefined);
    expect(admitted.headers).toEqual({});
    await admitted.gate(deployment('a'));
    admitted.settle({ tokens: 10, costUsd: 1 });
  });

  it('is all or nothing: a budget refusal gives the rate-limit slot and tokens back', async () => {
    const { quota } = await services();
    const bound = obligations({
      limits: [{ rule: 'r', per: 'user', rpm: undefined, tpm: 1000, concurrent: 1 }],
      // 10 input tokens + 100 output at $1/M = $0.00011 estimated: a $0.0001 budget cannot take it.
      budgets: [{ rule: 'b', per: 'user', usd: 0.0001, period: 'day' }],
    });
    const error = await refusal(admitRequest(quota, alice, request(), group(deployment('a')), bound));
    expect(error.code).toBe('GH_ERR_BUDGET_EXCEEDED');
    expect(error.message).toContain('user:alice');
    expect(error.headers?.['x-should-retry']).toBe('false');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    // The concurrency slot and the 110 tokens were given back: a smaller request fits both.
    await new Promise((resolve) => setImmediate(resolve));
    const smaller = await admitRequest(quota, alice, request(50), group(deployment('a')), obligations({ limits: bound.limits }));
    expect(smaller.headers['x-ratelimit-remaining-tokens']).toBe(String(1000 - 60));
  });

  it('is all or nothing: a rate-limit refusal releases the budget reservation', async () => {
    const { quota } = await services();
    const bound = obligations({ limits: [{ rule: 'r', per: 'user', rpm: undefined, tpm: undefined, concurrent: 1 }], budgets: [{ rule: 'b', per: 'claim/department', usd: 0.00015, period: 'month' }] });
    const first = await admitRequest(quota, alice, request(), group(deployment('a')), bound);
    const error = await refusal(admitRequest(quota, alice, request(), group(deployment('a')), bound));
    expect(error.code).toBe('GH_ERR_RATE_LIMITED');
    expect(error.message).toContain('1 requests in flight');
    first.settle({ tokens: 0, costUsd: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    // Neither the refused request's reservation nor the settled one's is still held: $0.00011 fits again.
    const again = await admitRequest(quota, alice, request(), group(deployment('a')), bound);
    again.settle({ tokens: 0, costUsd: 0 });
    expect(await quota.ledger.spent('claim/department:legal', 'month')).toBe(0);
  });

  it('charges the budget the actual cost at settlement, and reports it in the budget gauges', async () => {
    const { quota, metrics } = await services();
    const bound = obligations({ budgets: [{ rule: 'b', per: 'user', usd: 1, period: 'month' }] });
    const admitted = await admitRequest(quota, alice, request(), group(deployment('a')), bound);
    admitted.settle({ tokens: 50, costUsd: 0.25 });
    admitted.settle({ tokens: 50, costUsd: 0.25 });
    await expect.poll(() => quota.ledger.spent('user:alice', 'month')).toBe(0.25);
    const text = await metrics.render();
    expect(metricValue(text, 'gatehouse_budget_spent_usd', { bucket: 'user:alice', period: 'month' })).toBe(0.25);
    expect(metricValue(text, 'gatehouse_budget_remaining_usd', { bucket: 'user:alice', period: 'month' })).toBe(0.75);
  });

  it("gates a deployment on its own rpm, without touching the request's other buckets", async () => {
    const { quota } = await services();
    const full = deployment('a', { rpm: 1 });
    const pair = group(full, deployment('b', { rpm: 1 }));
    const first = await admitRequest(quota, alice, request(), pair, undefined);
    await first.gate(full);
    const second = await admitRequest(quota, { ...alice, subject: 'bob' }, request(), pair, undefined);
    const saturated = await second.gate(full).then(() => undefined, (error: unknown) => error);
    expect(saturated).toBeInstanceOf(DeploymentSaturated);
    expect((saturated as DeploymentSaturated).retryAfterMs).toBeGreaterThan(0);
    expect((saturated as DeploymentSaturated).headers['x-ratelimit-limit-requests']).toBe('1');
  });
});

describe('admitRequest for a group of one deployment', () => {
  it("checks the deployment's own limits with the request's, and answers as the router does when it is full", async () => {
    const { quota, metrics } = await services();
    const only = deployment('a', { rpm: 2 });
    const bound = obligations({ limits: [{ rule: 'r', per: 'user', rpm: 10, tpm: undefined, concurrent: undefined }] });
    const first = await admitRequest(quota, alice, request(), group(only), bound);
    // The gate has nothing left to do: the deployment's bucket was taken with the user's.
    await first.gate(only);
    await first.gate(only);
    await admitRequest(quota, { ...alice, subject: 'bob' }, request(), group(only), bound);
    const error = await refusal(admitRequest(quota, { ...alice, subject: 'carol' }, request(), group(only), bound));
    expect(error.code).toBe('GH_ERR_RATE_LIMITED');
    expect(error.message).toContain('Every deployment of the model "gpt" is at its configured rate limit');
    expect(error.headers?.['x-ratelimit-limit-requests']).toBe('2');
    expect(metricValue(await metrics.render(), 'gatehouse_rate_limit_hits_total', { dimension: 'deployment', limit: 'requests' })).toBe(1);
  });

  it('leaves a group with fallbacks to the router, which may go elsewhere', async () => {
    const { quota } = await services();
    const only = deployment('a', { rpm: 1 });
    const withFallback: ModelGroup = { ...group(only), fallbacks: ['other'] };
    await (await admitRequest(quota, alice, request(), withFallback, undefined)).gate(only);
    const second = await admitRequest(quota, alice, request(), withFallback, undefined);
    await expect(second.gate(only)).rejects.toBeInstanceOf(DeploymentSaturated);
  });
});

describe('admitRequest when Redis is unreachable', () => {
  const bound = obligations({ limits: [{ rule: 'r', per: 'user', rpm: 1, tpm: undefined, concurrent: undefined }], budgets: [{ rule: 'b', per: 'user', usd: 5, period: 'day' }] });

  it('closed: refuses with 503 at once, and says so once in the log', async () => {
    const { quota, metrics, logs } = await services({ redis: { url: `redis://127.0.0.1:${await freePort()}` }, limits: { on_redis_error: 'closed' } });
    const started = Date.now();
    const error = await refusal(admitRequest(quota, alice, request(), group(deployment('a')), bound));
    expect(error.code).toBe('GH_ERR_LIMITS_UNAVAILABLE');
    expect(error.status).toBe(503);
    await refusal(admitRequest(quota, alice, request(), group(deployment('a')), bound));
    expect(Date.now() - started).toBeLessThan(1000);
    const text = await metrics.render();
    expect(metricValue(text, 'gatehouse_limits_degraded_total', { component: 'limits', mode: 'closed' })).toBe(2);
    expect(metricValue(text, 'gatehouse_redis_errors_total', { component: 'budgets' })).toBe(2);
    expect(logs.lines.filter((line) => line.includes('redis unreachable for budgets'))).toHaveLength(1);
  });

  it('open: serves on local limits and without budget checks, counted in metrics', async () => {
    const { quota, metrics } = await services({ redis: { url: `redis://127.0.0.1:${await freePort()}` }, limits: { on_redis_error: 'open' } });
    const admitted = await admitRequest(quota, alice, request(), group(deployment('a')), bound);
    admitted.settle({ tokens: 10, costUsd: 0.01 });
    // The local limit still holds on this replica.
    const error = await refusal(admitRequest(quota, alice, request(), group(deployment('a')), bound));
    expect(error.code).toBe('GH_ERR_RATE_LIMITED');
    const text = await metrics.render();
    expect(metricValue(text, 'gatehouse_limits_degraded_total', { component: 'limits', mode: 'open' })).toBe(2);
    expect(metricValue(text, 'gatehouse_limits_degraded_total', { component: 'budgets', mode: 'open' })).toBeGreaterThanOrEqual(2);
  });
});
