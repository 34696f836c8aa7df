/**
 * A restart must not reset budgets early: a fresh ledger rebuilt from the store's daily aggregates holds the
 * same spend as the ledger that charged the requests, on every store backend; and a Redis ledger that lost its
 * data is brought back, while one that is ahead of the store is left alone.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetBuckets, BudgetCalendar, MemoryBudgetLedger, rebuildLedger, RedisBudgetLedger, type BudgetLedger } from '../../src/budgets/index.js';
import type { Principal } from '../../src/identity/principal.js';
import type { BoundBudget } from '../../src/policy/obligations.js';
import { SpendAggregator } from '../../src/spend/index.js';
import { openStore, type Store } from '../../src/store/database.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';
import { admitted } from './ledger-contract.js';
import { connectedClient, deletePrefix, redisSuiteName, redisUrl, testKeyPrefix } from '../support/redis.js';

const BUDGETS: BoundBudget[] = [
  { rule: 'users', per: 'user', usd: 1_000, period: 'day' },
  { rule: 'users', per: 'user', usd: 1_000, period: 'week' },
  { rule: 'departments', per: 'claim/department', usd: 1_000, period: 'month' },
  { rule: 'teams', per: 'team', usd: 1_000, period: 'total' },
  { rule: 'keys', per: 'key', usd: 1_000, period: 'month' },
  { rule: 'models', per: 'model', usd: 1_000, period: 'week' },
  { rule: 'everyone', per: 'global', usd: 1_000, period: 'month' },
];
const CLAIMS = ['claim/department'];
/** Future dates, for the reason given at T0 in ledger-contract.ts. */
const NOW = new Date('2037-11-26T15:00:00Z');
const calendar = new BudgetCalendar('Europe/Berlin');

function person(subject: string, team: string | undefined, department: string, keyId?: string): Principal {
  return { authenticated: true, authMethod: 'jwt', subject, email: undefined, name: undefined, groups: [], claims: { department }, keyId, team, allowedModels: undefined, admin: false };
}

const TRAFFIC: Array<[Principal, string, string, number]> = [
  [person('alice', 'ml', 'legal'), 'gpt-4o', '2037-10-31T22:30:00Z', 0.5], // 23:30 in Berlin: still October
  [person('alice', 'ml', 'legal'), 'gpt-4o', '2037-10-31T23:30:00Z', 0.25], // November in Berlin
  [person('alice', 'ml', 'legal', 'key_a'), 'claude', '2037-11-23T08:00:00Z', 0.0000015],
  [person('bob', undefined, 'hr'), 'gpt-4o', '2037-11-25T23:10:00Z', 1.123456],
  [person('bob', undefined, 'hr', 'key_b'), 'claude', '2037-11-26T09:00:00Z', 0.1],
  [person('alice', 'ml', 'legal'), 'gpt-4o', '2037-11-26T14:00:00Z', 0.2],
];

/** Charges the traffic to the ledger (reserve, settle) and to the spend aggregates, as the pipeline would. */
async function charge(ledger: BudgetLedger, store: Store): Promise<void> {
  const spend = new SpendAggregator({ db: store.db, calendar, flushIntervalMs: 60_000, batchSize: 1_000 });
  for (const [principal, model, time, cost] of TRAFFIC) {
    const now = new Date(time);
    const reservation = admitted(await ledger.reserve(budgetBuckets(BUDGETS, principal, model), cost * 2, now));
    await ledger.settle(reservation, cost);
    spend.add({ time: now, principal, model, usage: { inputTokens: 10, outputTokens: 10 }, costUsd: cost }, CLAIMS);
  }
  await spend.close(); // a graceful shutdown flushes
}

const BUCKETS: Array<[string, BoundBudget['period']]> = [
  ['user:alice', 'day'], ['user:bob', 'day'], ['user:alice', 'week'], ['user:bob', 'week'],
  ['claim/department:legal', 'month'], ['claim/department:hr', 'month'], ['team:ml', 'total'],
  ['key:key_a', 'month'], ['key:key_b', 'month'], ['model:gpt-4o', 'week'], ['model:claude', 'week'], ['global', 'month'],
];

async function balances(ledger: BudgetLedger): Promise<Record<string, number>> {
  const entries = await Promise.all(BUCKETS.map(async ([key, period]) => [`${key} ${period}`, await ledger.spent(key, period, NOW)] as const));
  return Object.fromEntries(entries);
}

for (const database of testDatabases().filter((db) => db.persistent)) {
  describe.runIf(database.enabled)(`rebuild after restart on ${database.name}`, () => {
    let opened: OpenedTestDatabase;
    beforeEach(async () => {
      opened = await database.open();
    });
    afterEach(() => opened.cleanup());

    it('gives a new ledger the same spent amounts as the one before the restart', async () => {
      const before = new MemoryBudgetLedger({ calendar, reservationTtlMs: 60_000 });
      let store = await openStore(opened.url);
      await charge(before, store);
      await store.close();
      const expected = await balances(before);
      expect(expected).toMatchObject({ 'claim/department:legal month': 0.450002, 'team:ml total': 0.950002, 'global month': 1.673458, 'user:bob week': 1.223456 });

      store = await openStore(opened.url); // the restarted process
      const after = new MemoryBudgetLedger({ calendar, reservationTtlMs: 60_000 });
      expect(await rebuildLedger(store.db, after, BUDGETS, NOW)).toBeGreaterThan(0);
      expect(await balances(after)).toEqual(expected);
      await store.close();
    });
  });
}

describe.runIf(redisUrl)(redisSuiteName('rebuild of a redis ledger'), () => {
  const keyPrefix = testKeyPrefix();
  let redis: Redis | undefined;
  afterAll(async () => {
    if (redis === undefined) return;
    await deletePrefix(redis, keyPrefix);
    await redis.quit();
  });

  it('restores counters Redis lost and leaves counters ahead of the store alone', async () => {
    redis = await connectedClient(redisUrl!);
    const ledger = new RedisBudgetLedger(redis, { calendar, reservationTtlMs: 60_000, keyPrefix });
    const store = await openStore('sqlite::memory:');
    await charge(ledger, store);
    const expected = await balances(ledger);
    const extra = admitted(await ledger.reserve([{ key: 'user:alice', period: 'week', limitUsd: 10 }], 1, NOW));
    await ledger.settle(extra, 1); // charged, not yet in the store
    await rebuildLedger(store.db, ledger, BUDGETS, NOW);
    expect(await ledger.spent('user:alice', 'week', NOW)).toBeCloseTo(expected['user:alice week']! + 1, 6);

    await deletePrefix(redis, keyPrefix); // Redis lost its data
    expect(await ledger.spent('global', 'month', NOW)).toBe(0);
    await rebuildLedger(store.db, ledger, BUDGETS, NOW);
    expect(await balances(ledger)).toEqual(expected);
    await store.close();
  });
});
