/**
 * The Redis backend against a real Redis: the shared contract (with the caller's clock), slot leases, key names,
 * and two replicas (two connections) racing for one bucket.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLimitBackend, type LimitBackend } from '../../src/limits/index.js';
import { admitted, limitBackendContract, T0 } from './backend-contract.js';
import { connectedClient, deletePrefix, redisSuiteName, redisUrl, testKeyPrefix } from '../support/redis.js';

const keyPrefix = testKeyPrefix();
let admin: Redis | undefined;

describe.runIf(redisUrl)(redisSuiteName('redis backend'), () => {
  beforeAll(async () => {
    admin = await connectedClient(redisUrl!);
  });
  afterAll(async () => {
    if (admin === undefined) return; // beforeAll failed: that failure is the report
    await deletePrefix(admin, keyPrefix);
    await admin.quit();
  });

  let run = 0;
  limitBackendContract('contract', {
    // A prefix per test: the contract expects fresh buckets.
    make: async (clock) => new RedisLimitBackend(await connectedClient(redisUrl!), { keyPrefix: `${keyPrefix}${(run += 1)}:`, slotLeaseMs: 600_000, clock }),
  });

  it('names keys with one hash tag per bucket under the configured prefix', async () => {
    const backend = new RedisLimitBackend(await connectedClient(redisUrl!), { keyPrefix: `${keyPrefix}names:`, slotLeaseMs: 60_000 });
    await backend.admit([{ key: 'user:alice', rpm: 5, concurrent: 1 }], { tokens: 0 });
    const keys = (await admin!.keys(`{${keyPrefix}names:*`)).sort();
    expect(keys).toEqual([`{${keyPrefix}names:rl:user:alice}:c`, `{${keyPrefix}names:rl:user:alice}:w`]);
    const [ttlWindow, ttlSlots] = await Promise.all(keys.reverse().map((key) => admin!.pttl(key)));
    expect(ttlWindow).toBeGreaterThan(110_000);
    expect(ttlSlots).toBeGreaterThan(50_000);
    await backend.close();
  });

  it('frees a slot whose lease ran out, as when the replica holding it crashed', async () => {
    let now = T0;
    const backend = new RedisLimitBackend(await connectedClient(redisUrl!), { keyPrefix: `${keyPrefix}lease:`, slotLeaseMs: 1_000, clock: () => now });
    const bucket = { key: 'user:crashy', concurrent: 1 };
    admitted(await backend.admit([bucket], { tokens: 0 }));
    expect((await backend.admit([bucket], { tokens: 0 })).kind).toBe('refused');
    now += 1_001;
    admitted(await backend.admit([bucket], { tokens: 0 }));
    await backend.close();
  });

  it('two replicas racing with 100 requests for a 30-rpm bucket admit exactly 30', async () => {
    const prefix = `${keyPrefix}race:`;
    // Redis's own clock, as in production: the replicas' clocks do not matter.
    const replicas: LimitBackend[] = [
      new RedisLimitBackend(await connectedClient(redisUrl!), { keyPrefix: prefix, slotLeaseMs: 60_000 }),
      new RedisLimitBackend(await connectedClient(redisUrl!), { keyPrefix: prefix, slotLeaseMs: 60_000 }),
    ];
    const buckets = [{ key: 'user:alice', rpm: 30 }, { key: 'global', tpm: 1_000_000 }];
    const attempts = Array.from({ length: 100 }, (_, i) => replicas[i % 2]!.admit(buckets, { tokens: 10 }));
    const results = await Promise.all(attempts);
    expect(results.filter((result) => result.kind === 'admitted')).toHaveLength(30);
    expect(results.filter((result) => result.kind === 'refused' && result.bucket === 'user:alice')).toHaveLength(70);
    await Promise.all(replicas.map((replica) => replica.close()));
  });
});
