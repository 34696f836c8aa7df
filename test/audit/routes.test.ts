import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecordJson } from '../../src/audit/record-json.js';
import { registerAuditRoutes } from '../../src/audit/routes.js';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import { dialectOfPath, renderError, toGatehouseError } from '../../src/server/error-response.js';
import { openStore, type Store } from '../../src/store/database.js';
import { appendRecords, auditRecord } from './audit-fixture.js';

const admin: Principal = { ...ANONYMOUS, authenticated: true, authMethod: 'bootstrap_key', subject: 'admin', admin: true };
const user: Principal = { ...ANONYMOUS, authenticated: true, authMethod: 'jwt', subject: 'alice', email: 'alice@example.com' };

/** The app's shape where it matters here: a principal on the request, errors rendered by the shared renderer. */
function buildTestApp(store: Store): FastifyInstance {
  const app = Fastify();
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req) => {
    const who = req.headers['x-test-principal'];
    req.principal = who === 'admin' ? admin : who === 'user' ? user : ANONYMOUS;
  });
  app.setErrorHandler((error, req, reply) => {
    const rendered = renderError(toGatehouseError(error), dialectOfPath(req.url), req.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  registerAuditRoutes(app, { db: store.db });
  return app;
}

describe('GET /admin/api/audit', () => {
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    await appendRecords(store, [
      auditRecord({ requestId: 'r1', time: new Date('2026-03-01T10:00:00Z') }),
      auditRecord({ requestId: 'r2', time: new Date('2026-03-01T11:00:00Z'), decision: 'deny', status: 403, model: 'o1' }),
      auditRecord({ requestId: 'r3', time: new Date('2026-03-01T12:00:00Z') }),
    ]);
    app = buildTestApp(store);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  async function get(url: string, who?: 'admin' | 'user') {
    const response = await app.inject({ method: 'GET', url, headers: who ? { 'x-test-principal': who } : {} });
    return { status: response.statusCode, body: response.json<{ data: AuditRecordJson[]; next_cursor: string | null; error?: { message: string; param?: string } }>() };
  }

  it('asks for credentials without them, and refuses non-administrators', async () => {
    expect((await get('/admin/api/audit')).status).toBe(401);
    const denied = await get('/admin/api/audit', 'user');
    expect(denied.status).toBe(403);
    expect(denied.body.error?.message).toBe('Administrators only.');
  });

  it('returns records newest first in the wire shape, with a cursor to the next page', async () => {
    const first = await get('/admin/api/audit?limit=2', 'admin');
    expect(first.status).toBe(200);
    expect(first.body.data.map((record) => record.request_id)).toEqual(['r3', 'r2']);
    expect(first.body.data[0]).toMatchObject({ seq: 3, time: '2026-03-01T12:00:00.000Z', principal: { subject: 'alice', auth_method: 'jwt' }, decision: 'allow' });
    const next = await get(`/admin/api/audit?limit=2&cursor=${encodeURIComponent(first.body.next_cursor ?? '')}`, 'admin');
    expect(next.body.data.map((record) => record.request_id)).toEqual(['r1']);
    expect(next.body.next_cursor).toBeNull();
  });

  it('filters by time range (ISO or epoch ms), user, model, decision and status', async () => {
    const ids = async (query: string) => (await get(`/admin/api/audit?${query}`, 'admin')).body.data.map((record) => record.request_id);
    expect(await ids('from=2026-03-01T10:30:00Z&to=2026-03-01T12:00:00Z')).toEqual(['r2']);
    expect(await ids(`from=${Date.parse('2026-03-01T11:00:00Z')}`)).toEqual(['r3', 'r2']);
    expect(await ids('user=alice@example.com&decision=deny')).toEqual(['r2']);
    expect(await ids('model=o1&status=403')).toEqual(['r2']);
    expect(await ids('user=bob')).toEqual([]);
  });

  it('answers 400 naming the parameter for a malformed one', async () => {
    for (const [query, param] of [
      ['from=yesterday', 'from'],
      ['decision=maybe', 'decision'],
      ['status=4xx', 'status'],
      ['limit=5000', 'limit'],
      ['cursor=nope', 'cursor'],
      ['model=a&model=b', 'model'],
    ]) {
      const response = await get(`/admin/api/audit?${query}`, 'admin');
      expect(response.status, query).toBe(400);
      expect(response.body.error?.param, query).toBe(param);
    }
  });
});
