import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUsageRecords } from '../../src/store/usage-records.js';
import type { UsageReportJson } from '../../src/usage/report.js';
import { usageRecord } from '../store/usage-record-fixture.js';
import { ADMIN_KEY, bearer, cookie, JWT_ADMIN, JWT_ALICE, JWT_BOB, SESSION_ALICE, startAdminApp, type AdminApp } from './app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp();
  const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  await insertUsageRecords(fx.store.db, [
    usageRecord({ requestId: 'a1', principal: 'alice-sub', team: 'ml', modelGroup: 'model-a', time: recent(5), costUsd: 0.25 }),
    usageRecord({ requestId: 'a2', principal: 'alice-sub', team: 'ml', modelGroup: 'model-a', time: recent(70), costUsd: 0.25 }),
    usageRecord({ requestId: 'b1', principal: 'bob-sub', team: 'interns', modelGroup: 'model-b', time: recent(10), costUsd: 4, status: 500, errorCode: 'GH_ERR_UPSTREAM_ERROR' }),
  ]);
});
afterAll(() => fx?.close());

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fx.app.inject({ url, headers });
  return { status: response.statusCode, headers: response.headers, body: response.json<UsageReportJson & { error?: { message: string; param: string | null; code: string } }>() };
}

describe('GET /admin/api/usage', () => {
  it('gives administrators everyone’s usage, not cached', async () => {
    for (const headers of [bearer(ADMIN_KEY), bearer(JWT_ADMIN)]) {
      const { status, headers: responseHeaders, body } = await get('/admin/api/usage', headers);
      expect(status).toBe(200);
      expect(responseHeaders['cache-control']).toBe('no-store');
      expect(body).toMatchObject({ window: '24h', bucket_seconds: 3600, totals: { requests: 3, errors: 1, cost_usd: 4.5 } });
      expect(body.series).toHaveLength(24);
      expect(body.top.users.map((entry) => entry.value)).toEqual(['bob-sub', 'alice-sub']);
      expect(body.top.teams.map((entry) => entry.value)).toEqual(['interns', 'ml']);
    }
    expect((await get('/admin/api/usage?window=30d', bearer(ADMIN_KEY))).body).toMatchObject({ window: '30d', bucket_seconds: 86_400 });
  });

  it('refuses anonymous callers (401) and people who are not administrators (403)', async () => {
    expect((await get('/admin/api/usage')).status).toBe(401);
    for (const headers of [bearer(JWT_ALICE), cookie(SESSION_ALICE)]) {
      const { status, body } = await get('/admin/api/usage?window=7d', headers);
      expect(status).toBe(403);
      expect(body.error?.code).toBe('gh_err_policy_denied');
      expect(JSON.stringify(body)).not.toContain('bob-sub');
    }
  });

  it('answers 400 naming the parameter for an unknown window or parameter', async () => {
    expect((await get('/admin/api/usage?window=1y', bearer(ADMIN_KEY))).body.error).toMatchObject({ param: 'window' });
    expect((await get('/admin/api/usage?windw=7d', bearer(ADMIN_KEY))).body.error).toMatchObject({ param: 'windw' });
  });
});

describe('GET /.gatehouse/api/usage', () => {
  it("gives each person their own usage only, whatever credential they use", async () => {
    for (const headers of [bearer(JWT_ALICE), cookie(SESSION_ALICE)]) {
      const { status, body } = await get('/.gatehouse/api/usage', headers);
      expect(status).toBe(200);
      expect(body.totals).toMatchObject({ requests: 2, errors: 0, cost_usd: 0.5 });
      expect(body.top).toEqual({ users: [{ value: 'alice-sub', requests: 2, cost_usd: 0.5 }], teams: [{ value: 'ml', requests: 2, cost_usd: 0.5 }], models: [{ value: 'model-a', requests: 2, cost_usd: 0.5 }] });
    }
    const bob = await get('/.gatehouse/api/usage?window=7d', bearer(JWT_BOB));
    expect(bob.body.totals).toMatchObject({ requests: 1, errors: 1, cost_usd: 4 });
    expect(JSON.stringify(bob.body)).not.toContain('alice-sub');
  });

  it("never shows alice bob's usage, whichever parameter names him", async () => {
    for (const query of ['user=bob-sub', 'subject=bob-sub', 'principal=bob-sub', 'window=24h&user=bob-sub', 'window=24h&window=7d', 'team=interns', 'model=model-b', 'window[user]=bob-sub']) {
      const { status, body } = await get(`/.gatehouse/api/usage?${query}`, bearer(JWT_ALICE));
      expect(status, query).toBe(400);
      expect(JSON.stringify(body), query).not.toMatch(/bob-sub|interns|"cost_usd":4/);
    }
    // An administrator's own report is theirs too: the self route never widens to everyone.
    expect((await get('/.gatehouse/api/usage', bearer(JWT_ADMIN))).body.totals.requests).toBe(0);
  });

  it('asks anonymous callers to sign in', async () => {
    const { status, body } = await get('/.gatehouse/api/usage');
    expect(status).toBe(401);
    expect(body.error?.message).toBe('Sign in first.');
  });
});
