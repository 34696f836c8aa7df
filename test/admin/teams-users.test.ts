import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUserSeen } from '../../src/store/users.js';
import { ADMIN_KEY, bearer, cookie, JWT_ALICE, SESSION_ADMIN, startAdminApp, type AdminApp } from './app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp();
  const seen = new Date('2030-01-01T00:00:00Z');
  for (const [subject, email] of [['alice-sub', 'alice@example.com'], ['bob-sub', 'Bob@Example.com'], ['carol-sub', 'carol@other.example']] as const) {
    await recordUserSeen(fx.store.db, { subject, email, name: subject, groups: ['staff'] }, seen);
  }
});
afterAll(() => fx?.close());

const admin = bearer(ADMIN_KEY);

async function call(method: string, url: string, payload?: object, headers: Record<string, string> = admin) {
  const response = await fx.app.inject({ method: method as 'GET', url, headers, ...(payload && { payload }) });
  return { status: response.statusCode, body: response.json() };
}

const ROUTES = [
  ['GET', '/admin/api/teams'],
  ['POST', '/admin/api/teams'],
  ['GET', '/admin/api/teams/t1'],
  ['PATCH', '/admin/api/teams/t1'],
  ['DELETE', '/admin/api/teams/t1'],
  ['POST', '/admin/api/teams/t1/members'],
  ['DELETE', '/admin/api/teams/t1/members/alice-sub'],
  ['GET', '/admin/api/users'],
  ['GET', '/admin/api/users/alice-sub'],
  ['PATCH', '/admin/api/users/alice-sub'],
] as const;

describe('teams and users admin API access', () => {
  it('answers 401 to anonymous callers and 403 to non-admins on every route', async () => {
    for (const [method, url] of ROUTES) {
      expect((await call(method, url, undefined, {})).status, `${method} ${url}`).toBe(401);
      const refused = await call(method, url, undefined, bearer(JWT_ALICE));
      expect(refused.status, `${method} ${url}`).toBe(403);
      expect(refused.body.error.type).toBe('permission_error');
    }
  });

  it('asks a session-cookie admin for the CSRF header on changes only', async () => {
    expect((await call('GET', '/admin/api/teams', undefined, cookie(SESSION_ADMIN))).status).toBe(200);
    const refused = await call('POST', '/admin/api/teams', { id: 'csrf' }, cookie(SESSION_ADMIN));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('X-Requested-By: gatehouse');
    const patched = await call('PATCH', '/admin/api/users/carol-sub', { blocked: false }, cookie(SESSION_ADMIN));
    expect(patched.status).toBe(403);
    expect((await call('POST', '/admin/api/teams', { id: 'csrf' }, { ...cookie(SESSION_ADMIN), 'x-requested-by': 'gatehouse' })).status).toBe(201);
  });
});

describe('teams admin API', () => {
  it('creates, reads, lists, updates and deletes a team', async () => {
    const created = await call('POST', '/admin/api/teams', { id: 'ml', name: 'Machine learning', members: ['alice-sub', 'alice-sub'], allowed_models: ['model-a'], limits: [{ rpm: 60, tpm: 100000 }], budgets: [{ usd: 500, period: 'month' }], metadata: { owner: 'x' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'team', id: 'ml', name: 'Machine learning', members: ['alice-sub'], allowed_models: ['model-a'], limits: [{ rpm: 60, tpm: 100000 }], budgets: [{ usd: 500, period: 'month' }], metadata: { owner: 'x' } });
    expect(Date.parse(created.body.created_at)).not.toBeNaN();
    expect((await call('GET', '/admin/api/teams/ml')).body).toEqual(created.body);
    expect((await call('GET', '/admin/api/teams')).body.data.map((team: { id: string }) => team.id)).toContain('ml');

    const patched = await call('PATCH', '/admin/api/teams/ml', { allowed_models: null, limits: [] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Machine learning', allowed_models: null, limits: [], budgets: [{ usd: 500, period: 'month' }] });

    expect((await call('DELETE', '/admin/api/teams/ml')).body).toEqual({ object: 'team', id: 'ml', deleted: true });
    expect((await call('GET', '/admin/api/teams/ml')).status).toBe(404);
    expect((await call('DELETE', '/admin/api/teams/ml')).status).toBe(404);
    expect((await call('PATCH', '/admin/api/teams/ml', { name: 'x' })).status).toBe(404);
  });

  it('defaults the name to the id and refuses a taken id with a 400 naming id', async () => {
    expect((await call('POST', '/admin/api/teams', { id: 'dup' })).body).toMatchObject({ name: 'dup', members: [], allowed_models: null, limits: [], budgets: [], metadata: {} });
    const again = await call('POST', '/admin/api/teams', { id: 'dup' });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ param: 'id', type: 'invalid_request_error' });
  });

  it('validates bodies and paths with 400s that name the field', async () => {
    const cases: Array<[string, string, object | undefined, string]> = [
      ['POST', '/admin/api/teams', { id: 'Bad Id' }, 'id'],
      ['POST', '/admin/api/teams', { id: 'ok', limits: [{}] }, 'limits.0'],
      ['POST', '/admin/api/teams', { id: 'ok', limits: [{ rpm: -1 }] }, 'limits.0.rpm'],
      ['POST', '/admin/api/teams', { id: 'ok', budgets: [{ usd: 5, period: 'year' }] }, 'budgets.0.period'],
      ['POST', '/admin/api/teams', { id: 'ok', allowed_models: [] }, 'allowed_models'],
      ['POST', '/admin/api/teams', { id: 'ok', colour: 'blue' }, 'colour'],
      ['PATCH', '/admin/api/teams/dup', { members: ['x'] }, 'members'],
      ['GET', '/admin/api/teams/UPPER', undefined, 'id'],
      ['POST', '/admin/api/teams/dup/members', {}, 'subject'],
      ['PATCH', '/admin/api/users/alice-sub', { reason: 'no block' }, 'reason'],
      ['PATCH', '/admin/api/users/alice-sub', { blocked: 'yes' }, 'blocked'],
      ['GET', '/admin/api/users?limit=5000', undefined, 'limit'],
      ['GET', '/admin/api/users?blocked=maybe', undefined, 'blocked'],
      ['GET', '/admin/api/users?sort=email', undefined, 'sort'],
    ];
    for (const [method, url, payload, param] of cases) {
      const response = await call(method, url, payload);
      expect([response.status, response.body.error?.param], `${method} ${url} ${JSON.stringify(payload)}`).toEqual([400, param]);
    }
  });

  it('adds and removes members, which shows on the users too', async () => {
    await call('POST', '/admin/api/teams', { id: 'research' });
    const added = await call('POST', '/admin/api/teams/research/members', { subject: 'bob-sub' });
    expect([added.status, added.body.members]).toEqual([201, ['bob-sub']]);
    const again = await call('POST', '/admin/api/teams/research/members', { subject: 'bob-sub' });
    expect([again.status, again.body.members]).toEqual([200, ['bob-sub']]);
    // Someone who has not signed in yet may be added.
    expect((await call('POST', '/admin/api/teams/research/members', { subject: 'future-hire' })).body.members).toEqual(['bob-sub', 'future-hire']);
    expect((await call('GET', '/admin/api/users/bob-sub')).body.teams).toEqual(['research']);
    expect((await call('GET', '/admin/api/users?team=research')).body.data.map((user: { subject: string }) => user.subject)).toEqual(['bob-sub']);

    const removed = await call('DELETE', '/admin/api/teams/research/members/future-hire');
    expect(removed.body.members).toEqual(['bob-sub']);
    expect((await call('DELETE', '/admin/api/teams/research/members/future-hire')).status).toBe(404);
    expect((await call('POST', '/admin/api/teams/nope/members', { subject: 'bob-sub' })).status).toBe(404);
    expect((await call('DELETE', '/admin/api/teams/nope/members/bob-sub')).status).toBe(404);
  });
});

describe('users admin API', () => {
  it('shows a user and 404s for someone who never signed in', async () => {
    expect((await call('GET', '/admin/api/users/carol-sub')).body).toEqual({
      object: 'user', subject: 'carol-sub', email: 'carol@other.example', name: 'carol-sub', groups: ['staff'], teams: [],
      blocked: false, blocked_reason: null, blocked_at: null, created_at: '2030-01-01T00:00:00.000Z', last_seen_at: '2030-01-01T00:00:00.000Z', limits: null, budgets: null,
    });
    const missing = await call('GET', '/admin/api/users/nobody');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'gh_err_not_found']);
  });

  it('blocks with a reason (keeping the first time), filters on it, and unblocks', async () => {
    const blocked = await call('PATCH', '/admin/api/users/carol-sub', { blocked: true, reason: 'left the company' });
    expect(blocked.body).toMatchObject({ blocked: true, blocked_reason: 'left the company' });
    const again = await call('PATCH', '/admin/api/users/carol-sub', { blocked: true, reason: 'really left' });
    expect(again.body).toMatchObject({ blocked_reason: 'really left', blocked_at: blocked.body.blocked_at });
    expect((await call('GET', '/admin/api/users?blocked=true')).body.data.map((user: { subject: string }) => user.subject)).toEqual(['carol-sub']);
    expect((await call('GET', '/admin/api/users?blocked=false')).body.data.map((user: { subject: string }) => user.subject)).not.toContain('carol-sub');
    expect((await call('PATCH', '/admin/api/users/carol-sub', { blocked: false })).body).toMatchObject({ blocked: false, blocked_reason: null, blocked_at: null });
    expect((await call('PATCH', '/admin/api/users/nobody', { blocked: true })).status).toBe(404);
  });

  it('sets and clears limit and budget overrides', async () => {
    const set = await call('PATCH', '/admin/api/users/alice-sub', { limits: [{ rpm: 5 }], budgets: [] });
    expect(set.body).toMatchObject({ limits: [{ rpm: 5 }], budgets: [], blocked: false });
    expect((await call('PATCH', '/admin/api/users/alice-sub', { limits: null })).body).toMatchObject({ limits: null, budgets: [] });
  });

  it('searches by email prefix ignoring case, and pages with a cursor', async () => {
    expect((await call('GET', '/admin/api/users?email=bob@ex')).body.data.map((user: { subject: string }) => user.subject)).toEqual(['bob-sub']);
    const first = await call('GET', '/admin/api/users?limit=2');
    expect(first.body.data.map((user: { subject: string }) => user.subject)).toEqual(['alice-sub', 'bob-sub']);
    expect(first.body.next_cursor).toBe('bob-sub');
    const second = await call('GET', `/admin/api/users?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toMatchObject({ object: 'list', next_cursor: null });
    expect(second.body.data.map((user: { subject: string }) => user.subject)).toEqual(['carol-sub']);
  });
});
