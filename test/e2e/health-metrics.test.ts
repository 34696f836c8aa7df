/**
 * The operational endpoints: liveness, readiness (the store answers) and Prometheus metrics with request counts by
 * model group, deployment and status, and the gateway-overhead and upstream-latency histograms kept apart.
 * (Retry, fallback and cooldown counters are checked in routing.test.ts, right after their scenarios.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiClient } from '../support/clients.js';
import { openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { metricValue } from '../support/prometheus.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

let upstream: OpenaiUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await OpenaiUpstream.start();
  gw = await startTestGateway({ providers: { up: openaiProvider(upstream) }, models: [{ name: 'm', deployments: [{ provider: 'up', model: 'upm' }] }] });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('health', () => {
  it('GET /healthz answers ok', async () => {
    const response = await fetch(`${gw.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers ready once the store answers', async () => {
    const response = await fetch(`${gw.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', store: 'sqlite' });
  });
});

describe('metrics', () => {
  it('counts requests by endpoint, model group, deployment and status, with both latency histograms', async () => {
    const client = openaiClient(gw);
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'one' }] });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'two' }] });
    await client.chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'three' }] }).catch(() => undefined);

    const response = await fetch(`${gw.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(metricValue(text, 'gatehouse_requests_total', { endpoint: 'chat', model_group: 'm', deployment: 'm/up/upm', status: '200' })).toBe(2);
    expect(metricValue(text, 'gatehouse_requests_total', { endpoint: 'chat', model_group: 'missing', status: '404' })).toBe(1);
    expect(metricValue(text, 'gatehouse_gateway_overhead_seconds_count', { endpoint: 'chat' })).toBe(3);
    expect(metricValue(text, 'gatehouse_upstream_latency_seconds_count', { model_group: 'm', deployment: 'm/up/upm' })).toBe(2);
    expect(metricValue(text, 'gatehouse_gateway_overhead_seconds_bucket', { endpoint: 'chat', le: '+Inf' })).toBe(3);
    expect(metricValue(text, 'gatehouse_tokens_total', { model_group: 'm', direction: 'input' })).toBe(24);
    expect(metricValue(text, 'gatehouse_tokens_total', { model_group: 'm', direction: 'output' })).toBe(10);
    expect(text).toContain('# TYPE gatehouse_retries_total counter');
    expect(text).toContain('# TYPE gatehouse_fallbacks_total counter');
    expect(text).toContain('# TYPE gatehouse_cooldowns_total counter');
  });
});
