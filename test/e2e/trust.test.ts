/**
 * Two checks that decide who a request is, tried against the running gateway: X-Forwarded-For is believed only
 * from `server.trusted_proxies`, and a person blocked through the admin API is refused at once, whatever they
 * present.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../src/admin/csrf.js';
import { GATEWAY_KEY } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { TestIdp } from '../support/jwt-issuer.js';

const MOCK = { providers: { mock: { type: 'mock' } }, models: [{ name: 'm', deployments: [{ provider: 'mock', model: 'm' }] }] };
const admin = { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json', [CSRF_HEADER]: CSRF_HEADER_VALUE };

function chat(gw: TestGateway, headers: Record<string, string>): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The source IP the audit log recorded for a request. */
async function auditedSourceIp(gw: TestGateway, requestId: string): Promise<string | null> {
  return until(async () => {
    const page = (await (await fetch(`${gw.url}/admin/api/audit?limit=1000`, { headers: admin })).json()) as { data: Array<{ request_id: string; source_ip: string | null }> };
    return page.data.find((record) => record.request_id === requestId)?.source_ip;
  }, `the audit record of ${requestId}`);
}

describe('X-Forwarded-For', () => {
  let direct: TestGateway;
  let behindProxy: TestGateway;

  beforeAll(async () => {
    [direct, behindProxy] = await Promise.all([startTestGateway(MOCK), startTestGateway({ ...MOCK, server: { trusted_proxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] } })]);
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), behindProxy?.close()]);
  });

  it('is ignored from a peer that is not a trusted proxy: the client cannot choose its source IP', async () => {
    const response = await chat(direct, { authorization: `Bearer ${GATEWAY_KEY}`, 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(200);
    expect(await auditedSourceIp(direct, response.headers.get('x-request-id')!)).toMatch(/127\.0\.0\.1$/);
  });

  it('is believed from a trusted proxy', async () => {
    const response = await chat(behindProxy, { authorization: `Bearer ${GATEWAY_KEY}`, 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(200);
    expect(await auditedSourceIp(behindProxy, response.headers.get('x-request-id')!)).toBe('203.0.113.9');
  });
});

describe('a blocked person', () => {
  let idp: TestIdp;
  let gw: TestGateway;

  beforeAll(async () => {
    idp = await TestIdp.start();
    gw = await startTestGateway({ ...MOCK, identity: { bearer: [{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }] } });
  });
  afterAll(async () => {
    await gw?.close();
    await idp?.close();
  });

  it('is refused from the next request on, and let in again when unblocked', async () => {
    const token = await idp.sign({ sub: 'mallory', email: 'mallory@example.com' });
    const bearer = { authorization: `Bearer ${token}` };
    expect((await chat(gw, bearer)).status).toBe(200);
    // People are recorded when first seen; an administrator can block them from then on.
    await until(async () => ((await fetch(`${gw.url}/admin/api/users/mallory`, { headers: admin })).ok ? true : undefined), 'mallory to be recorded');

    const block = await fetch(`${gw.url}/admin/api/users/mallory`, { method: 'PATCH', headers: admin, body: JSON.stringify({ blocked: true, reason: 'test' }) });
    expect(block.status).toBe(200);
    const refused = await chat(gw, bearer);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).not.toContain(token);

    const unblock = await fetch(`${gw.url}/admin/api/users/mallory`, { method: 'PATCH', headers: admin, body: JSON.stringify({ blocked: false }) });
    expect(unblock.status).toBe(200);
    expect((await chat(gw, bearer)).status).toBe(200);
  });

});
