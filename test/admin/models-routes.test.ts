import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelGroupJson, type ModelGroupJson } from '../../src/admin/model-groups-json.js';
import { DeploymentHealth } from '../../src/router/health.js';
import type { Deployment, ModelGroup } from '../../src/router/types.js';
import { insertUsageRecords } from '../../src/store/usage-records.js';
import { usageRecord } from '../store/usage-record-fixture.js';
import { ADMIN_KEY, bearer, cookie, JWT_ALICE, SESSION_ALICE, startAdminApp, type AdminApp } from './app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp();
  const recent = new Date(Date.now() - 60_000);
  await insertUsageRecords(fx.store.db, [
    usageRecord({ requestId: 'm1', modelGroup: 'model-a', deployment: 'mock/a', time: recent, upstreamLatencyMs: 10 }),
    usageRecord({ requestId: 'm2', modelGroup: 'model-a', deployment: 'mock/a', time: recent, upstreamLatencyMs: 30 }),
    // Failures and old requests do not count towards the latency.
    usageRecord({ requestId: 'm3', modelGroup: 'model-a', deployment: 'mock/a', time: recent, upstreamLatencyMs: 5000, status: 502 }),
    usageRecord({ requestId: 'm4', modelGroup: 'model-a', deployment: 'mock/a', time: new Date(Date.now() - 2 * 3_600_000), upstreamLatencyMs: 9000 }),
  ]);
});
afterAll(() => fx?.close());

describe('GET /admin/api/models', () => {
  it('lists every group with its deployments, health, last-hour median latency and price', async () => {
    const response = await fx.app.inject({ url: '/admin/api/models', headers: bearer(ADMIN_KEY) });
    expect(response.statusCode).toBe(200);
    const { data } = response.json<{ object: string; data: ModelGroupJson[] }>();
    expect(data.map((group) => group.name)).toEqual(['model-a', 'model-b']);
    expect(data[0]!.deployments).toEqual([
      {
        id: 'mock/a',
        provider: 'mock',
        provider_type: 'mock',
        model: 'a',
        region: null,
        state: 'healthy',
        cooldown_until: null,
        in_flight: 0,
        recent_requests: 0,
        recent_error_rate: 0,
        latency_p50_ms: 20,
        latency_ewma_ms: null,
        price: { input_usd_per_mtok: 0, output_usd_per_mtok: 0 },
      },
    ]);
    expect(data[1]!.deployments[0]!.latency_p50_ms).toBeNull();
  });

  it('refuses people who are not administrators', async () => {
    for (const headers of [bearer(JWT_ALICE), cookie(SESSION_ALICE)]) {
      expect((await fx.app.inject({ url: '/admin/api/models', headers })).statusCode).toBe(403);
    }
    expect((await fx.app.inject({ url: '/admin/api/models' })).statusCode).toBe(401);
  });
});

describe('deployment health in the admin view', () => {
  const provider = { name: 'azure-eu', type: 'azure', config: {} } as unknown as Deployment['provider'];
  const deployment: Deployment = { id: 'eu-1', group: 'gpt-4o', provider, model: 'gpt-4o', region: 'eu', weight: 1, rpm: undefined, tpm: undefined, inputCostPerMtok: 2.5, outputCostPerMtok: 10, timeoutMs: undefined };
  const group: ModelGroup = { name: 'gpt-4o', description: undefined, tags: ['premium'], deployments: [deployment], fallbacks: [] };

  it('shows a cooling-down deployment with the end of its cooldown, its recent error rate and configured price', () => {
    const health = new DeploymentHealth();
    const now = Date.parse('2026-03-10T12:00:00Z');
    health.recordSuccess(deployment, 100);
    health.recordOutcome(deployment, true, now);
    for (let i = 0; i < 3; i++) health.recordFailure(deployment, now, { failures: 3, for: 30_000 });
    const view = modelGroupJson(group, { health: new Map(health.snapshot(now).map((entry) => [entry.key, entry])), latencyP50: new Map(), now });
    expect(view.deployments[0]).toMatchObject({
      region: 'eu',
      state: 'cooling_down',
      cooldown_until: '2026-03-10T12:00:30.000Z',
      recent_requests: 4,
      recent_error_rate: 0.75,
      latency_ewma_ms: 100,
      price: { input_usd_per_mtok: 2.5, output_usd_per_mtok: 10 },
    });
  });
});

describe('GET /.gatehouse/api/models', () => {
  it('lists the groups the caller may use, by name and tags only', async () => {
    const response = await fx.app.inject({ url: '/.gatehouse/api/models', headers: cookie(SESSION_ALICE) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ object: 'list', data: [{ name: 'model-a', description: null, tags: [] }, { name: 'model-b', description: null, tags: [] }] });
  });

  it("leaves out groups the caller's key does not allow", async () => {
    const created = await fx.keys!.create({ name: 'only a', allowedModels: ['model-a'], createdBy: 'test' });
    const response = await fx.app.inject({ url: '/.gatehouse/api/models', headers: bearer(created.key) });
    expect(response.json<{ data: Array<{ name: string }> }>().data.map((group) => group.name)).toEqual(['model-a']);
    expect(response.body).not.toContain('deployments');
  });

  it('asks anonymous callers to sign in', async () => {
    expect((await fx.app.inject({ url: '/.gatehouse/api/models' })).statusCode).toBe(401);
  });
});
