/**
 * The cost of rate limits per request: admit + settle for three buckets (user rpm+tpm, team tpm+concurrent,
 * global rpm), memory backend and, with TEST_REDIS_URL, Redis (one round trip each way).
 * Run: `npx vitest bench --run test/limits`.
 */
import { bench, describe } from 'vitest';
import { MemoryLimitBackend, RedisLimitBackend, type LimitBucket } from '../../src/limits/index.js';
import { connectedClient, redisUrl, testKeyPrefix } from '../support/redis.js';

const HUGE = 1e12;
const buckets: LimitBucket[] = [
  { key: 'user:alice', rpm: HUGE, tpm: HUGE },
  { key: 'team:ml', tpm: HUGE, concurrent: 1_000_000 },
  { key: 'global', rpm: HUGE },
];

describe('memory backend: admit + settle, 3 buckets', () => {
  const memory = new MemoryLimitBackend();
  bench('synchronous (admitNow/settleNow)', () => {
    const admission = memory.admitNow(buckets, 1_200);
    if (admission.kind === 'admitted') memory.settleNow(admission.ticket, 900);
  });
  bench('through the LimitBackend promises', async () => {
    const admission = await memory.admit(buckets, { tokens: 1_200 });
    if (admission.kind === 'admitted') await memory.settle(admission.ticket, { tokens: 900 });
  });
});

describe.runIf(redisUrl)('redis backend: admit + settle, 3 buckets', async () => {
  const redis = new RedisLimitBackend(await connectedClient(redisUrl!), { keyPrefix: testKeyPrefix(), slotLeaseMs: 60_000 });
  bench('sequential (two round trips per request)', async () => {
    const admission = await redis.admit(buckets, { tokens: 1_200 });
    if (admission.kind === 'admitted') await redis.settle(admission.ticket, { tokens: 900 });
  });
  bench('64 requests in flight', async () => {
    await Promise.all(Array.from({ length: 64 }, async () => {
      const admission = await redis.admit(buckets, { tokens: 1_200 });
      if (admission.kind === 'admitted') await redis.settle(admission.ticket, { tokens: 900 });
    }));
  });
});
