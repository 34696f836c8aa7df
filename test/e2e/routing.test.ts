/**
 * Routing over real sockets: retries (upstream 500, refused connections, 429 with retry-after), weighted
 * distribution, fallback to another model group, and cooldown of a failing deployment. Each scenario also checks
 * the counter GET /metrics exposes for it.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiClient } from '../support/clients.js';
import { closedPortUrl } from '../support/closed-port.js';
import { openaiProvider, UPSTREAM_KEY } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { metricValue } from '../support/prometheus.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { sleep } from '../support/upstreams/recording-server.js';

let main: OpenaiUpstream;
let broken: OpenaiUpstream;
let backup: OpenaiUpstream;
let gw: TestGateway;
let client: OpenAI;

const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'route me' }] });
const countFor = (upstream: OpenaiUpstream, model: string) => upstream.requests.filter((request) => request.body?.model === model).length;

beforeAll(async () => {
  [main, broken, backup] = await Promise.all([OpenaiUpstream.start(), OpenaiUpstream.start(), OpenaiUpstream.start()]);
  broken.always({ kind: 'status', status: 500 });
  gw = await startTestGateway({
    providers: {
      main: openaiProvider(main),
      broken: openaiProvider(broken),
      backup: openaiProvider(backup),
      dead: { type: 'openai', base_url: await closedPortUrl(), api_key: UPSTREAM_KEY },
    },
    models: [
      { name: 'retry-500', deployments: [{ provider: 'main', model: 'm-retry-500' }] },
      { name: 'retry-429', deployments: [{ provider: 'main', model: 'm-retry-429' }] },
      // The dead deployment is all but certain to be picked first; the retry must then go to the live one.
      { name: 'flaky-connect', deployments: [{ provider: 'dead', model: 'nowhere', weight: 1000 }, { provider: 'main', model: 'm-connect', weight: 0.001 }] },
      { name: 'weighted', deployments: [{ provider: 'main', model: 'w-heavy', weight: 3 }, { provider: 'main', model: 'w-light', weight: 1 }] },
      { name: 'primary', deployments: [{ provider: 'broken', model: 'p-model' }], fallbacks: ['secondary'] },
      { name: 'secondary', deployments: [{ provider: 'backup', model: 's-model' }] },
    ],
    // Cooldowns are covered by their own gateway below; here they would only get in the way.
    routing: { retries: 2, backoff: { initial: '10ms', max: '2s' }, cooldown: { failures: 1000, for: '1s' } },
  });
  client = openaiClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([main?.close(), broken?.close(), backup?.close()]);
});

describe('retries', () => {
  it('retries an upstream 500 and succeeds', async () => {
    main.failNext(2, 500);
    const completion = await ask('retry-500');
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: route me');
    expect(countFor(main, 'm-retry-500')).toBe(3);
    expect(metricValue(await gw.metrics(), 'gatehouse_retries_total', { deployment: 'retry-500/main/m-retry-500', reason: 'status 500' })).toBe(2);
  });

  it('retries a refused connection on another deployment', async () => {
    const completion = await ask('flaky-connect');
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: route me');
    expect(countFor(main, 'm-connect')).toBe(1);
    expect(metricValue(await gw.metrics(), 'gatehouse_retries_total', { deployment: 'flaky-connect/dead/nowhere', reason: 'connect' })).toBe(1);
  });

  it('waits for retry-after on a 429, then succeeds', async () => {
    main.failNext(1, 429, 1);
    const started = Date.now();
    const completion = await ask('retry-429');
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: route me');
    expect(countFor(main, 'm-retry-429')).toBe(2);
    // The backoff alone would be ~10 ms; only the upstream's retry-after explains a wait of about a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(metricValue(await gw.metrics(), 'gatehouse_retries_total', { deployment: 'retry-429/main/m-retry-429', reason: 'status 429' })).toBe(1);
  });
});

describe('weighted distribution', () => {
  it('sends roughly three quarters of 100 requests to the weight-3 deployment', async () => {
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 10 }, () => ask('weighted')));
    const heavy = countFor(main, 'w-heavy');
    const light = countFor(main, 'w-light');
    expect(heavy + light).toBe(100);
    // Binomial(100, 0.75): mean 75, sd ≈ 4.3; these bounds are more than four sd away.
    expect(heavy).toBeGreaterThanOrEqual(55);
    expect(heavy).toBeLessThanOrEqual(93);
  });
});

describe('fallbacks', () => {
  it('falls back to the next model group once retries are exhausted', async () => {
    const completion = await ask('primary');
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: route me');
    expect(countFor(broken, 'p-model')).toBe(3);
    expect(countFor(backup, 's-model')).toBe(1);
    expect(metricValue(await gw.metrics(), 'gatehouse_fallbacks_total', { from: 'primary', to: 'secondary' })).toBe(1);
  });
});

describe('cooldown', () => {
  let sick: OpenaiUpstream;
  let healthy: OpenaiUpstream;
  let cool: TestGateway;
  const COOLDOWN_MS = 3000;

  beforeAll(async () => {
    [sick, healthy] = await Promise.all([OpenaiUpstream.start(), OpenaiUpstream.start()]);
    sick.always({ kind: 'status', status: 500 });
    cool = await startTestGateway({
      providers: { sick: openaiProvider(sick), healthy: openaiProvider(healthy) },
      models: [{ name: 'cool', deployments: [{ provider: 'sick', model: 's' }, { provider: 'healthy', model: 'h' }] }],
      routing: { retries: 1, backoff: { initial: '10ms', max: '50ms' }, cooldown: { failures: 2, for: `${COOLDOWN_MS}ms` } },
    });
  });

  afterAll(async () => {
    await cool?.close();
    await Promise.all([sick?.close(), healthy?.close()]);
  });

  it('keeps traffic off a deployment for cooldown.for after cooldown.failures failures, then sends it traffic again', async () => {
    const coolClient = openaiClient(cool);
    const askCool = () => coolClient.chat.completions.create({ model: 'cool', messages: [{ role: 'user', content: 'x' }] });
    // Every request succeeds: a failure on the sick deployment is retried on the healthy one.
    for (let i = 0; i < 60 && sick.count < 2; i++) await askCool();
    expect(sick.count).toBe(2);
    const cooledAt = Date.now();
    expect(metricValue(await cool.metrics(), 'gatehouse_cooldowns_total', { deployment: 'cool/sick/s' })).toBe(1);

    const before = healthy.count;
    for (let i = 0; i < 10; i++) await askCool();
    expect(sick.count).toBe(2);
    expect(healthy.count).toBe(before + 10);
    expect(Date.now() - cooledAt).toBeLessThan(COOLDOWN_MS); // the ten requests really fell inside the cooldown

    sick.always(undefined);
    await sleep(COOLDOWN_MS - (Date.now() - cooledAt) + 300);
    for (let i = 0; i < 40 && sick.count === 2; i++) await askCool();
    expect(sick.count).toBe(3);
  });
});
