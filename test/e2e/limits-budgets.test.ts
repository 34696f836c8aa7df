/**
 * Rate limits and budgets on one replica (the in-memory backends), end to end through the real SDKs: what policy,
 * teams and deployments bind is enforced, refusals come in each SDK's error shape with OpenAI's rate-limit headers,
 * the SDKs' own retries do the right thing with them, and spend is recorded and served by the admin API.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { GATEWAY_KEY, openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { TestIdp } from '../support/jwt-issuer.js';
import { metricValue } from '../support/prometheus.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

/** $1 per million tokens in and out: the upstream reports 12 + 5 tokens, so a call costs $0.000017. */
const PRICE = { input_cost_per_mtok: 1, output_cost_per_mtok: 1 };
const CALL_COST = 17e-6;

const POLICIES = [
  { name: 'everyone signed in', allow: { authenticated_user: true } },
  { name: 'three a minute for the rate-limited group', when: { groups: { has: 'rl' } }, limits: [{ per: 'user', rpm: 3 }] },
  { name: 'one at a time for the serial group', when: { groups: { has: 'serial' } }, limits: [{ per: 'user', concurrent: 1 }] },
  { name: 'few tokens for the frugal group', when: { groups: { has: 'frugal' } }, limits: [{ per: 'user', tpm: 200 }] },
  // Estimates: (input ≈ 2 tokens + max_tokens 20) × $1/M = $0.000022 reserved; each call costs $0.000017.
  { name: 'department budget', when: { 'claim/department': { is: 'thrift' } }, budgets: [{ per: 'claim/department', usd: 0.00006, period: 'month' }] },
];

describe('rate limits and budgets on one replica', () => {
  let idp: TestIdp;
  let upstream: OpenaiUpstream;
  let second: OpenaiUpstream;
  let gw: TestGateway;
  const token: Record<string, string> = {};

  beforeAll(async () => {
    [idp, upstream, second] = await Promise.all([TestIdp.start(), OpenaiUpstream.start(), OpenaiUpstream.start()]);
    gw = await startTestGateway({
      identity: { bearer: [{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }] },
      providers: { one: openaiProvider(upstream), two: openaiProvider(second) },
      models: [
        { name: 'gpt-4o-mini', deployments: [{ provider: 'one', model: 'gpt-4o-mini', ...PRICE }] },
        { name: 'capped', deployments: [{ id: 'a', provider: 'one', model: 'm', rpm: 2 }, { id: 'b', provider: 'two', model: 'm', rpm: 2 }] },
      ],
      policies: POLICIES,
      budgets: { claim_dimensions: ['claim/department'] },
      secret: 'limits-e2e-secret-0123456789abcdef',
      storage: { flush_interval: '50ms' },
    });
    const people: Array<[string, Record<string, unknown>]> = [
      ['rl-alice', { groups: ['rl'] }],
      ['rl-bob', { groups: ['rl'] }],
      ['serial', { groups: ['serial'] }],
      ['frugal', { groups: ['frugal'] }],
      ['thrift-1', { department: 'thrift' }],
      ['thrift-2', { department: 'thrift' }],
      ['free', {}],
    ];
    for (const [sub, claims] of people) token[sub] = await idp.sign({ sub, email: `${sub}@example.com`, ...claims });
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all([idp?.close(), upstream?.close(), second?.close()]);
  });

  const chat = (who: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}, client = openaiClient(gw, { apiKey: token[who] })) =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20, ...extra }).withResponse();

  it('admits a per-user rpm exactly, with OpenAI rate-limit headers on every answer, and refuses the next in each SDK shape', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await chat('rl-alice');
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      remaining.push(response.headers.get('x-ratelimit-remaining-requests')!);
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+m)?[\d.]+m?s$/);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await chat('rl-alice').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.message).toContain('user:rl-alice');
    expect(error.message).toContain('3 requests per minute');
    expect(error.headers?.get('x-gatehouse-error')).toBe('GH_ERR_RATE_LIMITED');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    const retryAfter = Number(error.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(error.headers?.get('retry-after-ms'))).toBeLessThanOrEqual(retryAfter * 1000);

    const anthropicRefusal = await anthropicClient(gw, { apiKey: token['rl-alice'] })
      .messages.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((failure: unknown) => failure);
    expect(anthropicRefusal).toBeInstanceOf(Anthropic.RateLimitError);
    expect((anthropicRefusal as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

    // The limit is per user: bob's bucket is his own.
    await expect(chat('rl-bob')).resolves.toBeDefined();
    expect(await readMetric(gw, 'gatehouse_rate_limit_hits_total', { dimension: 'user', limit: 'requests' })).toBeGreaterThanOrEqual(2);
  });

  it('frees a concurrency slot when a response ends, and an SDK that retries after retry-after-ms gets in', async () => {
    upstream.enqueue({ kind: 'delay', ms: 600 });
    const slow = chat('serial');
    await waitFor(() => upstream.requests.some((request) => request.headers.authorization !== undefined && upstream.count > 0));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const immediate = await chat('serial').catch((error: unknown) => error);
    expect(immediate).toBeInstanceOf(OpenAI.RateLimitError);
    expect((immediate as Error).message).toContain('1 requests in flight');

    // retry-after-ms is 1000 for a concurrency refusal; the slow call ends after 600 ms, so one SDK retry succeeds.
    const patient = openaiClient(gw, { apiKey: token.serial });
    const retrying = new OpenAI({ apiKey: token.serial, baseURL: patient.baseURL, maxRetries: 2 });
    const started = Date.now();
    const { response } = await chat('serial', {}, retrying);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    await slow;
  });

  it('refuses a request larger than a token limit on its own, and tells the SDK not to retry', async () => {
    const before = upstream.count;
    const client = new OpenAI({ apiKey: token.frugal, baseURL: `${gw.url}/v1`, maxRetries: 3 });
    const started = Date.now();
    const refused = await chat('frugal', { max_tokens: 1000 }, client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.headers?.get('x-should-retry')).toBe('false');
    expect(error.headers?.get('retry-after')).toBeNull();
    expect(error.message).toContain('lower max_tokens');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(upstream.count).toBe(before);
    // A request that fits is admitted and settled on its real usage (17 tokens), not on its estimate.
    const { response } = await chat('frugal', { max_tokens: 100 });
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThanOrEqual(200 - 100);
    const { response: next } = await chat('frugal', { max_tokens: 100 });
    expect(Number(next.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(0);
  });

  it('spreads traffic over deployments below their rpm, and answers 429 once every one is full', async () => {
    const before = { one: upstream.count, two: second.count };
    const client = openaiClient(gw, { apiKey: token.free });
    for (let i = 0; i < 4; i++) await client.chat.completions.create({ model: 'capped', messages: [{ role: 'user', content: 'hi' }] });
    expect(upstream.count - before.one).toBe(2);
    expect(second.count - before.two).toBe(2);

    const refused = await client.chat.completions.create({ model: 'capped', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as Error).message).toContain('Every deployment of the model "capped" is at its configured rate limit');
    expect(Number((refused as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(upstream.count - before.one + second.count - before.two).toBe(4);
    expect(await readMetric(gw, 'gatehouse_rate_limit_hits_total', { dimension: 'deployment', limit: 'requests' })).toBeGreaterThanOrEqual(2);
  });

  it('shares a claim budget between the people of a department and refuses once it has no room, without SDK retries', async () => {
    // $0.00006 with $0.000022 reserved per call: two calls in flight fit, the third reservation would not.
    // Settled calls cost $0.000017 each: after three, $0.000051 is spent and $0.000009 is left, too little.
    await chat('thrift-1');
    await chat('thrift-2');
    await chat('thrift-1');
    const client = new OpenAI({ apiKey: token['thrift-2'], baseURL: `${gw.url}/v1`, maxRetries: 3 });
    const before = upstream.count;
    const refused = await chat('thrift-2', {}, client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.code).toBe('insufficient_quota');
    expect(error.type).toBe('insufficient_quota');
    expect(error.message).toContain('claim/department:thrift');
    expect(error.message).toContain('$0.000051 of $0.00006 spent or held by requests in flight this month');
    expect(error.headers?.get('x-gatehouse-error')).toBe('GH_ERR_BUDGET_EXCEEDED');
    expect(error.headers?.get('x-should-retry')).toBe('false');
    expect(upstream.count).toBe(before);
    // Someone outside the department is not bound by it.
    await expect(chat('free')).resolves.toBeDefined();
    expect(await readMetric(gw, 'gatehouse_budget_refusals_total', { dimension: 'claim/department', period: 'month' })).toBe(1);
    expect(await readMetric(gw, 'gatehouse_budget_spent_usd', { bucket: 'claim/department:thrift', period: 'month' })).toBeCloseTo(3 * CALL_COST, 9);
    expect(await readMetric(gw, 'gatehouse_budget_remaining_usd', { bucket: 'claim/department:thrift', period: 'month' })).toBeCloseTo(0.00006 - 3 * CALL_COST, 9);
  });

  it('serves spend by user, model and claim from the store', async () => {
    const admin = (query: string) => fetch(`${gw.url}/admin/api/spend?${query}`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
    let rows: Array<{ value: string; requests: number; cost_usd: number }> = [];
    await waitFor(async () => {
      const response = await admin('group_by=claim/department');
      rows = ((await response.json()) as { data: typeof rows }).data;
      return rows.some((row) => row.value === 'thrift' && row.requests === 3);
    });
    expect(rows.find((row) => row.value === 'thrift')?.cost_usd).toBeCloseTo(3 * CALL_COST, 9);
    const byUser = (await (await admin('group_by=user')).json()) as { data: Array<{ value: string; requests: number }> };
    expect(byUser.data.find((row) => row.value === 'thrift-1')?.requests).toBe(2);
    // Refused requests never reached a model: they are not spend.
    expect(byUser.data.find((row) => row.value === 'rl-alice')?.requests).toBe(3);

    const bad = await admin('group_by=planet');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('group_by');
    const anonymous = await fetch(`${gw.url}/admin/api/spend?group_by=user`);
    expect(anonymous.status).toBe(401);
    const notAdmin = await fetch(`${gw.url}/admin/api/spend?group_by=user`, { headers: { authorization: `Bearer ${token.free}` } });
    expect(notAdmin.status).toBe(403);
  });

  it("holds a service key to its own budget, set through the admin API, on top of everything else", async () => {
    const created = await fetch(`${gw.url}/admin/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' },
      // An estimate is $0.000021 (1 token of prompt and max_tokens 20 at $1/M), a call costs $0.000017: the
      // third reservation ($0.000034 spent + $0.000021) no longer fits in $0.00004.
      body: JSON.stringify({ name: 'batch job', owner_user: 'svc-batch', budgets: [{ usd: 0.00004, period: 'day' }] }),
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string };
    const client = openaiClient(gw, { apiKey: key.key });
    await chat('free', {}, client);
    await chat('free', {}, client);
    const refused = await chat('free', {}, client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as Error).message).toContain(`Budget exceeded for key:${key.id}: $0.000034 of $0.00004`);
    // The budget counts in the key's bucket only: other callers are not affected.
    await expect(chat('free')).resolves.toBeDefined();
  });

  it('applies a team limit set through the admin API, at once on this replica', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${gw.url}${path}`, { method, headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    expect((await admin('POST', '/admin/api/teams', { id: 'interns', name: 'Interns', limits: [{ rpm: 1 }] })).status).toBe(201);
    expect((await admin('POST', '/admin/api/teams/interns/members', { subject: 'free' })).status).toBeLessThan(300);
    await chat('free');
    const refused = await chat('free').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as Error).message).toContain('team:interns');
  });
});

async function readMetric(gateway: TestGateway, name: string, labels: Record<string, string>): Promise<number> {
  return metricValue(await gateway.metrics(), name, labels);
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
