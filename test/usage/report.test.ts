import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { insertUsageRecords, type UsageRecord } from '../../src/store/usage-records.js';
import { percentileCont } from '../../src/usage/percentile.js';
import { usageReport } from '../../src/usage/report.js';
import { usageWindow } from '../../src/usage/windows.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';
import { usageRecord } from '../store/usage-record-fixture.js';

const NOW = new Date('2026-03-10T12:30:00Z');
const at = (iso: string) => new Date(iso);

/** alice: three requests at 12:xx (one a stream that broke), one at 03:xx; bob: a 500 at 10:xx; plus rows outside the window. */
function fixtureRecords(): UsageRecord[] {
  const alice = { principal: 'alice-sub', team: 'ml', modelGroup: 'gpt-4o' };
  return [
    usageRecord({ ...alice, requestId: 'a1', time: at('2026-03-10T12:01:00Z'), overheadMs: 1, upstreamLatencyMs: 100, costUsd: 0.01, inputTokens: 10, outputTokens: 5 }),
    usageRecord({ ...alice, requestId: 'a2', time: at('2026-03-10T12:02:00Z'), overheadMs: 2, upstreamLatencyMs: 200, costUsd: 0.02, inputTokens: 20, outputTokens: 5 }),
    usageRecord({ ...alice, requestId: 'a3', time: at('2026-03-10T12:29:59.999Z'), overheadMs: 3, upstreamLatencyMs: 300, costUsd: 0.03, inputTokens: 30, outputTokens: 5, errorCode: 'GH_ERR_UPSTREAM_ERROR' }),
    usageRecord({ ...alice, requestId: 'a4', time: at('2026-03-09T13:00:00Z'), overheadMs: 4, upstreamLatencyMs: 50, costUsd: 0.001, modelGroup: 'mini', errorCode: 'client_disconnected' }),
    usageRecord({ principal: 'bob-sub', team: 'interns', modelGroup: 'mini', requestId: 'b1', time: at('2026-03-10T10:15:00Z'), status: 500, errorCode: 'GH_ERR_UPSTREAM_ERROR', overheadMs: null, upstreamLatencyMs: null, costUsd: 0 }),
    usageRecord({ principal: 'key:key_svc', team: null, modelGroup: 'gpt-4o', requestId: 'k1', time: at('2026-03-10T11:00:00Z'), overheadMs: 10, upstreamLatencyMs: 1000, costUsd: 0.5 }),
    // Outside the window: just before its start, and in the next (future) bucket.
    usageRecord({ principal: 'alice-sub', requestId: 'old', time: at('2026-03-09T12:59:59.999Z'), costUsd: 100 }),
    usageRecord({ principal: 'alice-sub', requestId: 'late', time: at('2026-03-10T13:00:00Z'), costUsd: 100 }),
  ];
}

describe('usage windows', () => {
  it('align buckets to UTC hours, six-hour blocks and days, ending with the bucket that holds now', () => {
    expect(usageWindow('24h', NOW)).toMatchObject({ fromMs: Date.parse('2026-03-09T13:00:00Z'), toMs: Date.parse('2026-03-10T13:00:00Z'), bucketMs: 3_600_000, buckets: 24 });
    expect(usageWindow('7d', NOW)).toMatchObject({ fromMs: Date.parse('2026-03-03T18:00:00Z'), toMs: Date.parse('2026-03-10T18:00:00Z'), buckets: 28 });
    expect(usageWindow('30d', NOW)).toMatchObject({ fromMs: Date.parse('2026-02-09T00:00:00Z'), toMs: Date.parse('2026-03-11T00:00:00Z'), buckets: 30 });
    // Exactly on a boundary, the bucket starting now is the last one.
    expect(usageWindow('24h', at('2026-03-10T12:00:00Z')).toMs).toBe(Date.parse('2026-03-10T13:00:00Z'));
  });

  it('interpolate percentiles between ranks like percentile_cont', () => {
    expect(percentileCont([3, 1, 2], 0.5)).toBe(2);
    expect(percentileCont([1, 2, 3], 0.95)).toBeCloseTo(2.9);
    expect(percentileCont([7], 0.95)).toBe(7);
    expect(percentileCont([], 0.5)).toBeNull();
  });
});

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`usage report on ${database.name}`, () => {
    let target: OpenedTestDatabase;
    let store: Store;

    beforeAll(async () => {
      target = await database.open();
      store = await openStore(target.url);
      await insertUsageRecords(store.db, fixtureRecords());
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    it('buckets every request of the window, counting errors and cost, with latency percentiles per bucket', async () => {
      const report = await usageReport(store, { window: '24h', now: NOW });
      expect(report).toMatchObject({ window: '24h', from: '2026-03-09T13:00:00.000Z', to: '2026-03-10T13:00:00.000Z', bucket_seconds: 3600 });
      expect(report.series).toHaveLength(24);
      expect(report.series[0]).toEqual({ t: '2026-03-09T13:00:00.000Z', requests: 1, errors: 0, cost_usd: 0.001, overhead_p50_ms: 4, overhead_p95_ms: 4, upstream_p50_ms: 50, upstream_p95_ms: 50 });
      expect(report.series[1]).toEqual({ t: '2026-03-09T14:00:00.000Z', requests: 0, errors: 0, cost_usd: 0, overhead_p50_ms: null, overhead_p95_ms: null, upstream_p50_ms: null, upstream_p95_ms: null });
      expect(report.series[21]).toMatchObject({ t: '2026-03-10T10:00:00.000Z', requests: 1, errors: 1, overhead_p50_ms: null });
      expect(report.series[23]).toEqual({ t: '2026-03-10T12:00:00.000Z', requests: 3, errors: 1, cost_usd: 0.06, overhead_p50_ms: 2, overhead_p95_ms: 2.9, upstream_p50_ms: 200, upstream_p95_ms: 290 });
      expect(report.series.reduce((sum, bucket) => sum + bucket.requests, 0)).toBe(6);
    });

    it('totals the window and ranks users, teams and models by cost', async () => {
      const report = await usageReport(store, { window: '24h', now: NOW });
      expect(report.totals).toEqual({ requests: 6, errors: 2, cost_usd: 0.561, input_tokens: 10 + 20 + 30 + 120 * 3, output_tokens: 5 * 3 + 48 * 3, overhead_p50_ms: 3, overhead_p95_ms: 8.8, upstream_p50_ms: 200, upstream_p95_ms: 860 });
      expect(report.top.users).toEqual([
        { value: 'key:key_svc', requests: 1, cost_usd: 0.5 },
        { value: 'alice-sub', requests: 4, cost_usd: 0.061 },
        { value: 'bob-sub', requests: 1, cost_usd: 0 },
      ]);
      expect(report.top.teams).toEqual([
        { value: 'ml', requests: 4, cost_usd: 0.061 },
        { value: 'interns', requests: 1, cost_usd: 0 },
      ]);
      expect(report.top.models.map((entry) => entry.value)).toEqual(['gpt-4o', 'mini']);
    });

    it("counts only the subject's own requests when given one, in every part of the report", async () => {
      const report = await usageReport(store, { window: '24h', subject: 'alice-sub', now: NOW });
      expect(report.totals).toMatchObject({ requests: 4, errors: 1, cost_usd: 0.061 });
      expect(report.top.users).toEqual([{ value: 'alice-sub', requests: 4, cost_usd: 0.061 }]);
      expect(report.top.teams).toEqual([{ value: 'ml', requests: 4, cost_usd: 0.061 }]);
      expect(report.series[21]!.requests).toBe(0);
      const nobody = await usageReport(store, { window: '24h', subject: 'carol', now: NOW });
      expect(nobody.totals).toMatchObject({ requests: 0, errors: 0, cost_usd: 0, overhead_p50_ms: null });
      expect(nobody.top).toEqual({ users: [], teams: [], models: [] });
    });

    it('uses six-hour and daily buckets for 7d and 30d', async () => {
      const week = await usageReport(store, { window: '7d', now: NOW });
      expect(week.bucket_seconds).toBe(21_600);
      expect(week.series.at(-2)).toMatchObject({ t: '2026-03-10T06:00:00.000Z', requests: 2 });
      expect(week.series.at(-1)).toMatchObject({ t: '2026-03-10T12:00:00.000Z', requests: 4 });
      const month = await usageReport(store, { window: '30d', now: NOW });
      expect(month.series).toHaveLength(30);
      expect(month.series.at(-1)).toMatchObject({ t: '2026-03-10T00:00:00.000Z', requests: 6 });
      expect(month.series.at(-2)).toMatchObject({ t: '2026-03-09T00:00:00.000Z', requests: 2 });
    });
  });
}
