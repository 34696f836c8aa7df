import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, cookie, JWT_ADMIN, JWT_ALICE, SESSION_ADMIN, startAdminApp, type AdminApp } from './app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp();
});
afterAll(() => fx?.close());

const admin = bearer(ADMIN_KEY);

async function createKey(body: object, headers: Record<string, string> = admin) {
  const response = await fx.app.inject({ method: 'POST', url: '/admin/api/keys', headers, payload: body });
  return { status: response.statusCode, headers: response.headers, body: response.json(), text: response.body };
}

const ROUTES = [
  { method: 'POST', url: '/admin/api/keys' },
  { method: 'GET', url: '/admin/api/keys' },
  { method: 'GET', url: '/admin/api/keys/key_x' },
  { method: 'PATCH', url: '/admin/api/keys/key_x', payload: { name: 'renamed' } },
  { method: 'POST', url: '/admin/api/keys/key_x/revoke' },
  { method: 'DELETE', url: '/admin/api/keys/key_x' },
] as const;

describe('admin API access', () => {
  it('answers 401 without a credential and with a bad one, on every route, in OpenAI error shape', async () => {
    for (const route of ROUTES) {
      for (const headers of [{}, bearer('not-a-real-key'), bearer(`ghk_${'z'.repeat(43)}`)]) {
        const response = await fx.app.inject({ ...route, headers });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
      }
    }
  });

  it('answers 403 to authenticated non-admins: a person, a virtual key', async () => {
    const service = await createKey({ name: 'not an admin' });
    for (const route of ROUTES) {
      for (const headers of [bearer(JWT_ALICE), bearer(service.body.key as string)]) {
        const response = await fx.app.inject({ ...route, headers });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(response.json()).toMatchObject({ error: { type: 'permission_error', message: 'Only administrators may use the admin API.' } });
      }
    }
  });

  it('refuses a non-admin before reading the body', async () => {
    const response = await fx.app.inject({ method: 'POST', url: '/admin/api/keys', headers: { ...bearer(JWT_ALICE), 'content-type': 'application/json' }, payload: '{not json' });
    expect(response.statusCode).toBe(403);
  });

  it('accepts admins by bootstrap key and by the admin group', async () => {
    for (const headers of [admin, bearer(JWT_ADMIN)]) {
      expect((await fx.app.inject({ method: 'GET', url: '/admin/api/keys', headers })).statusCode).toBe(200);
    }
  });

  it('asks a cookie-authenticated admin for the CSRF header on changes, not on reads', async () => {
    expect((await fx.app.inject({ method: 'GET', url: '/admin/api/keys', headers: cookie(SESSION_ADMIN) })).statusCode).toBe(200);
    const refused = await createKey({ name: 'from the browser' }, cookie(SESSION_ADMIN));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('X-Requested-By: gatehouse');
    const wrongValue = await createKey({ name: 'from the browser' }, { ...cookie(SESSION_ADMIN), 'x-requested-by': 'evil' });
    expect(wrongValue.status).toBe(403);
    const accepted = await createKey({ name: 'from the browser' }, { ...cookie(SESSION_ADMIN), 'x-requested-by': 'gatehouse' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.created_by).toBe('root');
  });
});

describe('admin API for keys', () => {
  it('creates a key, returned in the create response only, which then works on the API', async () => {
    const created = await createKey({ name: 'batch jobs', owner_user: 'svc-batch', owner_team: 'data', allowed_models: ['model-a'], metadata: { ticket: 'OPS-1' }, expires_in: '30d' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = created.body.key as string;
    expect(key).toMatch(/^ghk_/);
    expect(created.body).toMatchObject({ prefix: key.slice(0, 12), name: 'batch jobs', kind: 'service', owner_user: 'svc-batch', owner_team: 'data', allowed_models: ['model-a'], metadata: { ticket: 'OPS-1' }, created_by: 'key:bootstrap-1', last_used_at: null, revoked_at: null });
    expect(Date.parse(created.body.expires_at as string) - Date.now()).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(created.body).not.toHaveProperty('hash');

    const models = await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) });
    expect(models.json().data.map((model: { id: string }) => model.id)).toEqual(['model-a']);

    const id = created.body.id as string;
    const listed = await fx.app.inject({ method: 'GET', url: '/admin/api/keys', headers: admin });
    const one = await fx.app.inject({ method: 'GET', url: `/admin/api/keys/${id}`, headers: admin });
    expect(listed.json().data.map((entry: { id: string }) => entry.id)).toContain(id);
    expect(one.json()).toMatchObject({ id, name: 'batch jobs' });
    expect(one.json().last_used_at).not.toBeNull();
    for (const text of [listed.body, one.body, fx.logs.text]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(12));
    }
  });

  it('accepts expires_at, and filters lists by owner', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const created = await createKey({ name: 'dated', owner_user: 'only-me', expires_at: at });
    expect(created.body.expires_at).toBe(at);
    const listed = await fx.app.inject({ method: 'GET', url: '/admin/api/keys?owner_user=only-me', headers: admin });
    expect(listed.json().data.map((entry: { name: string }) => entry.name)).toEqual(['dated']);
  });

  it('revokes by POST …/revoke and by DELETE; the key stops working; lists hide it unless asked', async () => {
    for (const revoke of [(id: string) => ({ method: 'POST' as const, url: `/admin/api/keys/${id}/revoke` }), (id: string) => ({ method: 'DELETE' as const, url: `/admin/api/keys/${id}` })]) {
      const created = await createKey({ name: 'short lived', owner_user: 'revoke-me' });
      const { key, id } = created.body as { key: string; id: string };
      expect((await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) })).statusCode).toBe(200);
      const revoked = await fx.app.inject({ ...revoke(id), headers: admin });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revoked_at).not.toBeNull();
      expect((await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) })).statusCode).toBe(401);
      const hidden = await fx.app.inject({ method: 'GET', url: '/admin/api/keys?owner_user=revoke-me', headers: admin });
      expect(hidden.json().data.map((entry: { id: string }) => entry.id)).not.toContain(id);
      const shown = await fx.app.inject({ method: 'GET', url: '/admin/api/keys?owner_user=revoke-me&include_revoked=true', headers: admin });
      expect(shown.json().data.map((entry: { id: string }) => entry.id)).toContain(id);
    }
  });

  it('answers 404 for unknown ids', async () => {
    for (const route of ROUTES.slice(2)) {
      const response = await fx.app.inject({ ...route, headers: admin });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.message).toBe('No key with id "key_x".');
    }
  });

  it('answers 400 naming the field for invalid bodies and queries', async () => {
    const cases: Array<[object, string]> = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', owner: 'typo' }, 'owner'],
      [{ name: 'x', allowed_models: 'model-a' }, 'allowed_models'],
      [{ name: 'x', allowed_models: [] }, 'allowed_models'],
      [{ name: 'x', expires_in: 'forever' }, 'expires_in'],
      [{ name: 'x', expires_in: '30' }, 'expires_in'],
      [{ name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
      [{ name: 'x', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
      [{ name: 'x', expires_at: '2099-01-01T00:00:00Z', expires_in: '1d' }, 'expires_in'],
      [{ name: 'x', metadata: ['not', 'an', 'object'] }, 'metadata'],
      [{ name: 'x', metadata: { big: 'y'.repeat(5000) } }, 'metadata'],
    ];
    for (const [body, field] of cases) {
      const response = await createKey(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.param, JSON.stringify(body)).toBe(field);
      expect(response.body.error.message, JSON.stringify(body)).toContain(field);
    }
    const badQuery = await fx.app.inject({ method: 'GET', url: '/admin/api/keys?include_revoked=maybe', headers: admin });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error.param).toBe('include_revoked');
  });
});

describe('admin API without keys', () => {
  it('tells the operator to set a secret when there is none', async () => {
    const noSecret = await startAdminApp({ keys: { secret: undefined } });
    try {
      const response = await noSecret.app.inject({ method: 'POST', url: '/admin/api/keys', headers: admin, payload: { name: 'x' } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toContain('set `secret`');
    } finally {
      await noSecret.close();
    }
  });

  it('answers 503 when the gateway has no key service', async () => {
    const none = await startAdminApp({ withoutKeys: true });
    try {
      const response = await none.app.inject({ method: 'GET', url: '/admin/api/keys', headers: admin });
      expect(response.statusCode).toBe(503);
    } finally {
      await none.close();
    }
  });
});
