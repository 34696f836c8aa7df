import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, cookie, JWT_ADMIN, JWT_ALICE, SESSION_ADMIN, startAdminApp, type AdminApp } from './app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp({ withDirectory: true });
});
afterAll(() => fx?.close());

const admin = bearer(ADMIN_KEY);

interface KeyBody {
  id: string;
  key: string;
  name: string;
  limits: unknown[];
  budgets: unknown[];
  allowed_models: string[] | null;
  owner_user: string | null;
  owner_team: string | null;
  [field: string]: unknown;
}

async function createKey(body: object): Promise<KeyBody> {
  const response = await fx.app.inject({ method: 'POST', url: '/admin/api/keys', headers: admin, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

function patchKey(id: string, body: unknown, headers: Record<string, string> = admin) {
  return fx.app.inject({ method: 'PATCH', url: `/admin/api/keys/${id}`, headers, payload: body as object });
}

function chat(key: string, model = 'model-a') {
  return fx.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: bearer(key), payload: { model, messages: [{ role: 'user', content: 'hi' }] } });
}

async function mintPersonalKey(headers: Record<string, string>, payload: object = { name: 'laptop' }) {
  return fx.app.inject({ method: 'POST', url: '/.gatehouse/api/personal_keys', headers, payload });
}

describe('admin API: limits and budgets on keys', () => {
  it('creates a key with limits and budgets, shown by every view of it; a key without has empty lists', async () => {
    const created = await createKey({ name: 'limited', limits: [{ rpm: 60, tpm: 200_000 }, { concurrent: 4 }], budgets: [{ usd: 50, period: 'month' }] });
    expect(created).toMatchObject({ limits: [{ rpm: 60, tpm: 200_000 }, { concurrent: 4 }], budgets: [{ usd: 50, period: 'month' }] });
    const one = await fx.app.inject({ method: 'GET', url: `/admin/api/keys/${created.id}`, headers: admin });
    expect(one.json()).toMatchObject({ limits: created.limits, budgets: created.budgets });
    const listed = (await fx.app.inject({ method: 'GET', url: '/admin/api/keys', headers: admin })).json().data as KeyBody[];
    expect(listed.find((key) => key.id === created.id)).toMatchObject({ limits: created.limits, budgets: created.budgets });

    const plain = await createKey({ name: 'plain' });
    expect(plain).toMatchObject({ limits: [], budgets: [] });
  });

  it('refuses malformed limits and budgets with 400, naming the field', async () => {
    const cases: Array<[body: object, param: string]> = [
      [{ limits: [{}] }, 'limits.0'],
      [{ limits: [{ rpm: 0 }] }, 'limits.0.rpm'],
      [{ limits: [{ rpm: -5 }] }, 'limits.0.rpm'],
      [{ limits: [{ rpm: 1.5 }] }, 'limits.0.rpm'],
      [{ limits: [{ tpm: '1000' }] }, 'limits.0.tpm'],
      [{ limits: [{ rps: 5 }] }, 'limits.0.rps'],
      [{ limits: { rpm: 5 } }, 'limits'],
      [{ limits: Array.from({ length: 21 }, () => ({ rpm: 1 })) }, 'limits'],
      [{ budgets: [{ usd: -1, period: 'month' }] }, 'budgets.0.usd'],
      [{ budgets: [{ usd: 5, period: 'year' }] }, 'budgets.0.period'],
      [{ budgets: [{ usd: 5 }] }, 'budgets.0.period'],
      [{ budgets: [{ usd: 5, period: 'day', soft: true }] }, 'budgets.0.soft'],
      // LiteLLM's field names are not silently ignored.
      [{ rpm_limit: 5 }, 'rpm_limit'],
      [{ max_budget: 5 }, 'max_budget'],
    ];
    for (const [body, param] of cases) {
      const response = await fx.app.inject({ method: 'POST', url: '/admin/api/keys', headers: admin, payload: { name: 'bad', ...body } });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error, JSON.stringify(body)).toMatchObject({ type: 'invalid_request_error', param });
    }
  });
});

describe('PATCH /admin/api/keys/:id', () => {
  it('changes name, allowed models, limits and budgets, keeping what is not given; the key itself keeps working', async () => {
    const created = await createKey({ name: 'before', owner_user: 'svc-a', owner_team: 'data', allowed_models: ['model-a'], limits: [{ rpm: 100 }], budgets: [{ usd: 10, period: 'day' }], metadata: { ticket: 'OPS-2' } });

    const renamed = await patchKey(created.id, { name: 'after', budgets: [] });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: created.id, prefix: created.prefix, name: 'after', owner_user: 'svc-a', owner_team: 'data', allowed_models: ['model-a'], limits: [{ rpm: 100 }], budgets: [], metadata: { ticket: 'OPS-2' } });
    expect(renamed.json()).not.toHaveProperty('key');
    expect(renamed.json()).not.toHaveProperty('hash');

    const widened = await patchKey(created.id, { allowed_models: null, limits: [{ tpm: 5000, concurrent: 2 }], budgets: [{ usd: 1, period: 'total' }] });
    expect(widened.json()).toMatchObject({ name: 'after', allowed_models: null, limits: [{ tpm: 5000, concurrent: 2 }], budgets: [{ usd: 1, period: 'total' }] });

    const models = await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.key) });
    expect(models.statusCode).toBe(200);
  });

  it('narrows allowed models at once on this replica (the cached key is dropped)', async () => {
    const created = await createKey({ name: 'narrowed later' });
    const before = await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.key) });
    expect(before.json().data.map((model: { id: string }) => model.id)).toEqual(['model-a', 'model-b']);
    expect((await patchKey(created.id, { allowed_models: ['model-b'] })).statusCode).toBe(200);
    const after = await fx.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.key) });
    expect(after.json().data.map((model: { id: string }) => model.id)).toEqual(['model-b']);
    expect((await chat(created.key, 'model-a')).statusCode).toBe(403);
  });

  it('never changes the owner, team, kind, secret, expiry or metadata: such fields are refused naming them', async () => {
    const created = await createKey({ name: 'fixed owner', owner_user: 'svc-fixed' });
    const forbidden: Record<string, unknown> = { owner_user: 'root', owner_team: 'admins', kind: 'personal', key: 'ghk_x', hash: 'f'.repeat(64), prefix: 'ghk_x', expires_at: null, expires_in: '1d', metadata: {}, revoked_at: null, id: 'key_other', created_by: 'x' };
    for (const [field, value] of Object.entries(forbidden)) {
      const response = await patchKey(created.id, { [field]: value });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error.param, field).toBe(field);
    }
    // Mixed with an allowed field, the whole change is refused: nothing is half-applied.
    expect((await patchKey(created.id, { name: 'sneaky', owner_user: 'root' })).statusCode).toBe(400);
    const one = await fx.app.inject({ method: 'GET', url: `/admin/api/keys/${created.id}`, headers: admin });
    expect(one.json()).toMatchObject({ name: 'fixed owner', owner_user: 'svc-fixed', kind: 'service' });
  });

  it('answers 400 for an empty change or bad values, 404 for an unknown id', async () => {
    const created = await createKey({ name: 'validation' });
    for (const [body, param] of [
      [{}, undefined],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ allowed_models: [] }, 'allowed_models'],
      [{ limits: [{ rpm: 0 }] }, 'limits.0.rpm'],
      [{ budgets: [{ usd: 'lots', period: 'month' }] }, 'budgets.0.usd'],
      [{ limits: null }, 'limits'],
    ] as Array<[object, string | undefined]>) {
      const response = await patchKey(created.id, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error.param ?? undefined, JSON.stringify(body)).toBe(param);
    }
    const missing = await patchKey('key_does_not_exist', { name: 'x' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('No key with id "key_does_not_exist".');
  });

  it('is for administrators only: 401 without a credential, 403 for people, service keys and personal keys; CSRF for cookies', async () => {
    const target = await createKey({ name: 'target', limits: [{ rpm: 1 }] });
    const service = await createKey({ name: 'not an admin' });
    const alicePersonal = (await mintPersonalKey(bearer(JWT_ALICE))).json().key as string;
    for (const headers of [{}, bearer('not-a-real-key')]) expect((await patchKey(target.id, { limits: [] }, headers)).statusCode).toBe(401);
    for (const headers of [bearer(JWT_ALICE), bearer(service.key), bearer(target.key), bearer(alicePersonal)]) {
      const response = await patchKey(target.id, { limits: [] }, headers);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.type).toBe('permission_error');
    }
    expect((await patchKey(target.id, { limits: [] }, cookie(SESSION_ADMIN))).statusCode).toBe(403);
    const one = await fx.app.inject({ method: 'GET', url: `/admin/api/keys/${target.id}`, headers: admin });
    expect(one.json().limits).toEqual([{ rpm: 1 }]);
    expect((await patchKey(target.id, { limits: [] }, { ...cookie(SESSION_ADMIN), 'x-requested-by': 'gatehouse' })).statusCode).toBe(200);
  });
});

describe('personal keys and limits', () => {
  it('refuses limits and budgets when a person mints their own key, and mints it with none', async () => {
    for (const field of [{ limits: [] }, { limits: [{ rpm: 1_000_000 }] }, { budgets: [{ usd: 1e9, period: 'total' }] }]) {
      const refused = await mintPersonalKey(bearer(JWT_ALICE), { name: 'lifted', ...field });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.param).toBe(Object.keys(field)[0]);
    }
    const minted = await mintPersonalKey(bearer(JWT_ALICE));
    expect(minted.statusCode).toBe(201);
    expect(minted.json()).toMatchObject({ kind: 'personal', limits: [], budgets: [] });
  });

  it('lets an administrator limit a personal key, which its owner sees and cannot lift', async () => {
    const minted = (await mintPersonalKey(bearer(JWT_ALICE))).json() as KeyBody;
    const limited = await patchKey(minted.id, { limits: [{ rpm: 1 }] }, bearer(JWT_ADMIN));
    expect(limited.statusCode).toBe(200);
    expect(limited.json()).toMatchObject({ kind: 'personal', owner_user: 'alice-sub', limits: [{ rpm: 1 }] });
    const own = (await fx.app.inject({ method: 'GET', url: '/.gatehouse/api/personal_keys', headers: bearer(JWT_ALICE) })).json().data as KeyBody[];
    expect(own.find((key) => key.id === minted.id)?.limits).toEqual([{ rpm: 1 }]);
    for (const headers of [bearer(JWT_ALICE), bearer(minted.key)]) expect((await patchKey(minted.id, { limits: [] }, headers)).statusCode).toBe(403);

    expect((await chat(minted.key)).statusCode).toBe(200);
    const refused = await chat(minted.key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.type).toBe('rate_limit_error');
  });
});

describe("a key's limits on the request path", () => {
  it('refuses with 429 past the key limit, for that key only, and lifts at once after an admin change here', async () => {
    const limited = await createKey({ name: 'two a minute', limits: [{ rpm: 2 }] });
    const free = await createKey({ name: 'unlimited' });
    expect((await chat(limited.key)).statusCode).toBe(200);
    expect((await chat(limited.key)).statusCode).toBe(200);
    const refused = await chat(limited.key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ type: 'rate_limit_error' });
    expect(JSON.stringify(refused.json())).not.toContain(limited.key);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect((await chat(free.key)).statusCode).toBe(200);

    expect((await patchKey(limited.id, { limits: [] })).statusCode).toBe(200);
    expect((await chat(limited.key)).statusCode).toBe(200);
  });

  it('applies a limit added after the key was first used, at once on this replica', async () => {
    const created = await createKey({ name: 'limited later' });
    for (let i = 0; i < 3; i++) expect((await chat(created.key)).statusCode).toBe(200);
    expect((await patchKey(created.id, { limits: [{ rpm: 1 }] })).statusCode).toBe(200);
    expect((await chat(created.key)).statusCode).toBe(200);
    expect((await chat(created.key)).statusCode).toBe(429);
  });
});
