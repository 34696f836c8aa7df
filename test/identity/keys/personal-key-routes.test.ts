import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, cookie, JWT_ALICE, JWT_BOB, SESSION_ALICE, startAdminApp, type AdminApp } from '../../admin/app-fixture.js';

const URL = '/.gatehouse/api/personal_keys';
const CSRF = { 'x-requested-by': 'gatehouse' };

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp({ keys: { personalMaxLifetimeMs: 12 * 3_600_000, personalDefaultLifetimeMs: 3_600_000 } });
});
afterAll(() => fx?.close());

async function mint(headers: Record<string, string>, body: object = {}) {
  const response = await fx.app.inject({ method: 'POST', url: URL, headers, payload: body });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

describe('personal keys over HTTP', () => {
  it('lets a person with a bearer JWT mint a key that acts as them, and see it in their list', async () => {
    const before = Date.now();
    const created = await mint(bearer(JWT_ALICE), { name: 'laptop', lifetime: '2h' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({ kind: 'personal', name: 'laptop', owner_user: 'alice-sub' });
    expect(created.body.key).toMatch(/^ghp_/);
    const lifetime = Date.parse(created.body.expires_at as string) - before;
    expect(lifetime).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(lifetime).toBeLessThanOrEqual(2 * 3_600_000 + 1000);

    expect((await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.body.key as string) })).statusCode).toBe(200);
    const listed = await fx.app.inject({ method: 'GET', url: URL, headers: bearer(JWT_ALICE) });
    expect(listed.json().data.map((key: { id: string }) => key.id)).toContain(created.body.id);
    expect(listed.body).not.toContain(created.body.key);
    const bobs = await fx.app.inject({ method: 'GET', url: URL, headers: bearer(JWT_BOB) });
    expect(bobs.json().data).toEqual([]);
  });

  it('takes the lifetime in seconds, defaults it, and refuses more than the maximum', async () => {
    const seconds = await mint(bearer(JWT_ALICE), { lifetime: 600 });
    expect(Date.parse(seconds.body.expires_at as string) - Date.parse(seconds.body.created_at as string)).toBe(600_000);
    const defaulted = await mint(bearer(JWT_ALICE));
    expect(Date.parse(defaulted.body.expires_at as string) - Date.parse(defaulted.body.created_at as string)).toBe(3_600_000);
    for (const lifetime of ['13h', 'forever', -1, '12']) {
      const refused = await mint(bearer(JWT_ALICE), { lifetime });
      expect(refused.status, String(lifetime)).toBe(400);
      expect(refused.body.error.param).toBe('lifetime');
    }
    const unknownField = await mint(bearer(JWT_ALICE), { lifetime: '1h', admin: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.param).toBe('admin');
  });

  it('asks a session for the CSRF header, and mints with it', async () => {
    const refused = await mint(cookie(SESSION_ALICE));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('X-Requested-By: gatehouse');
    // A form post (what a cross-site page can send) is refused before its body is even read.
    const form = await fx.app.inject({ method: 'POST', url: URL, headers: { ...cookie(SESSION_ALICE), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' });
    expect(form.statusCode).toBe(403);
    const accepted = await mint({ ...cookie(SESSION_ALICE), ...CSRF }, { name: 'browser' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.owner_user).toBe('alice-sub');
    expect((await fx.app.inject({ method: 'GET', url: URL, headers: cookie(SESSION_ALICE) })).statusCode).toBe(200);
  });

  it('never lets a key mint a key, and answers 401 to anonymous callers', async () => {
    const personal = await mint(bearer(JWT_ALICE));
    const service = await fx.app.inject({ method: 'POST', url: '/admin/api/keys', headers: bearer(ADMIN_KEY), payload: { name: 's', owner_user: 'alice-sub' } });
    for (const key of [personal.body.key as string, service.json().key as string, ADMIN_KEY]) {
      const refused = await mint(bearer(key));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('signed-in user');
    }
    expect((await mint({})).status).toBe(401);
    expect((await fx.app.inject({ method: 'GET', url: URL })).statusCode).toBe(401);
  });

  it("revokes the caller's own key, and reports anyone else's as missing", async () => {
    const created = await mint(bearer(JWT_ALICE));
    const id = created.body.id as string;
    const byBob = await fx.app.inject({ method: 'POST', url: `${URL}/${id}/revoke`, headers: bearer(JWT_BOB) });
    expect(byBob.statusCode).toBe(404);
    const service = await fx.app.inject({ method: 'POST', url: '/admin/api/keys', headers: bearer(ADMIN_KEY), payload: { name: 'svc', owner_user: 'alice-sub' } });
    const notPersonal = await fx.app.inject({ method: 'POST', url: `${URL}/${service.json().id as string}/revoke`, headers: bearer(JWT_ALICE) });
    expect(notPersonal.statusCode).toBe(404);

    const bySessionWithoutHeader = await fx.app.inject({ method: 'POST', url: `${URL}/${id}/revoke`, headers: cookie(SESSION_ALICE) });
    expect(bySessionWithoutHeader.statusCode).toBe(403);
    const revoked = await fx.app.inject({ method: 'POST', url: `${URL}/${id}/revoke`, headers: { ...cookie(SESSION_ALICE), ...CSRF } });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    expect((await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.body.key as string) })).statusCode).toBe(401);
  });
});
