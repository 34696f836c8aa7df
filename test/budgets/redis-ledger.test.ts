/**
 * The Redis ledger against a real Redis: the shared contract, key names and expiry, and two replicas (two
 * connections, two ledgers) reserving against one budget at once.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBudgetLedger, type LedgerOptions } from '../../src/budgets/index.js';
import { concurrentSpend, simultaneousReservations } from './concurrent-spend.js';
import { admitted, ledgerContract, options, T0 } from './ledger-contract.js';
import { connectedClient, deletePrefix, redisSuiteName, redisUrl, testKeyPrefix } from '../support/redis.js';

const keyPrefix = testKeyPrefix();
const clients: Redis[] = [];
let admin: Redis | undefined;
let run = 0;

async function client(): Promise<Redis> {
  const redis = await connectedClient(redisUrl!);
  clients.push(redis);
  return redis;
}

/** Ledgers on separate connections sharing one key prefix: replicas of one gateway. */
async function replicas(count: number, opts: LedgerOptions = options()): Promise<RedisBudgetLedger[]> {
  const prefix = `${keyPrefix}${(run += 1)}:`;
  return Promise.all(Array.from({ length: count }, async () => new RedisBudgetLedger(await client(), { ...opts, keyPrefix: prefix })));
}

describe.runIf(redisUrl)(redisSuiteName('redis ledger'), () => {
  beforeAll(async () => {
    admin = await connectedClient(redisUrl!);
  });
  afterAll(async () => {
    if (admin === undefined) return; // beforeAll failed: that failure is the report
    await deletePrefix(admin, keyPrefix);
    await admin.quit();
    await Promise.all(clients.map((redis) => redis.quit()));
  });

  ledgerContract('contract', async (opts) => (await replicas(1, opts))[0]!);

  it('keeps one hash tag for all budget keys and expires them a day after the period', async () => {
    const [ledger] = await replicas(1);
    const prefix = `${keyPrefix}${run}:`;
    const reservation = admitted(await ledger!.reserve([{ key: 'user:alice@example.com', period: 'day', limitUsd: 1 }, { key: 'team:ml', period: 'total', limitUsd: 1 }], 0.1, T0));
    const keys = (await admin!.keys(`{${prefix}*`)).sort();
    expect(keys).toEqual([`{${prefix}budgets}:l:2037-11-26:user:alice@example.com`, `{${prefix}budgets}:l:total:team:ml`, `{${prefix}budgets}:s:2037-11-26:user:alice@example.com`, `{${prefix}budgets}:s:total:team:ml`]);
    expect(await admin!.pexpiretime(`{${prefix}budgets}:s:2037-11-26:user:alice@example.com`)).toBe(Date.parse('2037-11-26T23:00:00Z') + 86_400_000);
    expect(await admin!.pttl(`{${prefix}budgets}:s:total:team:ml`)).toBe(-1);
    expect(await admin!.hgetall(`{${prefix}budgets}:s:total:team:ml`)).toEqual({ reserved: '100000', [`r:${reservation.id}`]: '100000' });
    await ledger!.settle(reservation, 0.123456);
    expect(await admin!.hgetall(`{${prefix}budgets}:s:total:team:ml`)).toEqual({ reserved: '0', spent: '123456' });
    expect(await admin!.zcard(`{${prefix}budgets}:l:total:team:ml`)).toBe(0);
  });

  it('admits exactly what fits of 50 simultaneous reservations from two replicas', async () => {
    const outcome = await simultaneousReservations(await replicas(2), 1, 0.05, 50);
    expect(outcome).toEqual({ admitted: 20, spentUsd: 1 });
  });

  it('keeps 50 concurrent requests on two replicas within the stated overspend bound', async () => {
    const under = await concurrentSpend(await replicas(2), { limitUsd: 1, estimateUsd: 0.05, requests: 50, overrun: 0 });
    expect(under.spentUsd).toBeLessThanOrEqual(1);
    expect(under.spentUsd).toBeGreaterThan(0.95);
    const over = await concurrentSpend(await replicas(2), { limitUsd: 1, estimateUsd: 0.05, requests: 50, overrun: 0.5 });
    expect(over.boundUsd).toBeGreaterThan(0);
    expect(over.spentUsd).toBeLessThanOrEqual(1 + over.boundUsd + 1e-9);
  });

  it('sees the other replica\'s spend and a soft limit crossed there is not reported again here', async () => {
    const events: string[] = [];
    const [a, b] = await replicas(2, options({ softLimit: 0.5, onSoftLimit: (event) => events.push(event.bucket) }));
    const bucket = { key: 'key:shared', period: 'week', limitUsd: 1 } as const;
    await a!.settle(admitted(await a!.reserve([bucket], 0.6, T0)), 0.6);
    expect(await b!.spent('key:shared', 'week', T0)).toBe(0.6);
    await b!.settle(admitted(await b!.reserve([bucket], 0.2, T0)), 0.2);
    expect(events).toEqual(['key:shared']);
  });
});
