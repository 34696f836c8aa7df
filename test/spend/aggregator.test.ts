/** Spend aggregation and query on every store backend (SQLite file, SQLite in memory, Postgres when configured). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetCalendar } from '../../src/budgets/index.js';
import { querySpend, SpendAggregator } from '../../src/spend/index.js';
import { openStore, type Store } from '../../src/store/database.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';
import { spendRecord } from './spend-fixture.js';

const CLAIMS = ['claim/department', 'claim/org.unit'];

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`spend aggregates on ${database.name}`, () => {
    let opened: OpenedTestDatabase;
    let store: Store;
    const calendar = new BudgetCalendar('America/New_York');

    beforeEach(async () => {
      opened = await database.open();
      store = await openStore(opened.url);
    });
    afterEach(async () => {
      await store.close();
      await opened.cleanup();
    });

    const aggregator = () => new SpendAggregator({ db: store.db, calendar, flushIntervalMs: 60_000, batchSize: 1_000 });
    const month = { from: '2026-11-01', to: '2026-11-30' };

    it('sums requests, tokens and cost per dimension value, biggest spender first', async () => {
      const spend = aggregator();
      spend.add(spendRecord(), CLAIMS);
      spend.add(spendRecord({ costUsd: 0.02, usage: { inputTokens: 50, outputTokens: 5 } }), CLAIMS);
      spend.add(spendRecord({ principal: { subject: 'bob', team: undefined, keyId: 'key_1', claims: { department: 'hr' } }, model: 'claude', costUsd: 0.5 }), CLAIMS);
      await spend.close();
      expect(await querySpend(store.db, { groupBy: 'user', ...month })).toEqual([
        { value: 'bob', requests: 1, input_tokens: 100, output_tokens: 20, cost_usd: 0.5 },
        { value: 'alice', requests: 2, input_tokens: 150, output_tokens: 25, cost_usd: 0.03 },
      ]);
      expect(await querySpend(store.db, { groupBy: 'team', ...month })).toEqual([{ value: 'ml', requests: 2, input_tokens: 150, output_tokens: 25, cost_usd: 0.03 }]);
      expect((await querySpend(store.db, { groupBy: 'key', ...month })).map((row) => row.value)).toEqual(['key_1']);
      expect((await querySpend(store.db, { groupBy: 'model', ...month })).map((row) => [row.value, row.cost_usd])).toEqual([['claude', 0.5], ['gpt-4o', 0.03]]);
      expect((await querySpend(store.db, { groupBy: 'claim/department', ...month })).map((row) => [row.value, row.requests])).toEqual([['hr', 1], ['legal', 2]]);
      expect((await querySpend(store.db, { groupBy: 'claim/org.unit', ...month })).map((row) => [row.value, row.requests])).toEqual([['emea', 2]]);
    });

    it('counts a request on its local day in the budget time zone, and filters by days', async () => {
      const spend = aggregator();
      spend.add(spendRecord({ time: new Date('2026-11-27T03:00:00Z') }), []); // 22:00 on the 26th in New York
      spend.add(spendRecord({ time: new Date('2026-11-27T06:00:00Z'), costUsd: 1 }), []);
      spend.add(spendRecord({ time: new Date('2026-12-01T06:00:00Z'), costUsd: 7 }), []);
      await spend.flush();
      expect((await querySpend(store.db, { groupBy: 'user', from: '2026-11-26', to: '2026-11-26' }))[0]?.cost_usd).toBe(0.01);
      expect((await querySpend(store.db, { groupBy: 'user', from: '2026-11-27', to: '2026-12-31' }))[0]?.cost_usd).toBe(8);
      expect(await querySpend(store.db, { groupBy: 'user', from: '2026-10-01', to: '2026-10-31' })).toEqual([]);
      await spend.close();
    });

    it('increments rows across batches and across replicas writing at once', async () => {
      const [a, b] = [aggregator(), aggregator()];
      for (let i = 0; i < 200; i += 1) (i % 2 === 0 ? a : b).add(spendRecord({ costUsd: 0.001 }), CLAIMS);
      await Promise.all([a.flush(), b.flush()]);
      for (let i = 0; i < 50; i += 1) a.add(spendRecord({ costUsd: 0.001 }), CLAIMS);
      await Promise.all([a.close(), b.close()]);
      expect(await querySpend(store.db, { groupBy: 'claim/department', ...month })).toEqual([{ value: 'legal', requests: 250, input_tokens: 25_000, output_tokens: 5_000, cost_usd: 0.25 }]);
    });

    it('keeps token counts beyond 32 bits', async () => {
      const spend = aggregator();
      for (let i = 0; i < 3; i += 1) spend.add(spendRecord({ usage: { inputTokens: 1_500_000_000, outputTokens: 0 } }), []);
      await spend.close();
      expect((await querySpend(store.db, { groupBy: 'model', ...month }))[0]?.input_tokens).toBe(4_500_000_000);
    });

    it('limits the rows to the biggest spenders', async () => {
      const spend = aggregator();
      for (const [subject, cost] of [['a', 1], ['b', 3], ['c', 2]] as const) spend.add(spendRecord({ principal: { subject, team: undefined, keyId: undefined, claims: {} }, costUsd: cost }), []);
      await spend.close();
      expect((await querySpend(store.db, { groupBy: 'user', ...month, limit: 2 })).map((row) => row.value)).toEqual(['b', 'c']);
    });
  });
}

describe('spend aggregator input', () => {
  it('refuses a claim dimension that is not claim/<path>', async () => {
    const store = await openStore('sqlite::memory:');
    const spend = new SpendAggregator({ db: store.db, calendar: new BudgetCalendar('UTC') });
    expect(() => spend.add(spendRecord(), ['department'])).toThrow(/claim\/<path>/);
    await spend.close();
    await store.close();
  });
});
