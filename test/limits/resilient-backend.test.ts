/**
 * When Redis cannot be reached: `open` decides with local limits, `closed` answers unavailable; an outage is
 * logged once and every failure counted; nothing waits longer than the command timeout; and the shared limits
 * are used again once Redis is back (the last case needs TEST_REDIS_URL; the others need no Redis at all).
 */
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLimitsRedis, RedisLimitBackend, ResilientLimitBackend, type OnRedisError } from '../../src/limits/index.js';
import { freePort } from '../support/free-port.js';
import { admitted } from './backend-contract.js';
import { startSilentRedis } from './silent-redis.js';
import { connectedClient, deletePrefix, redisSuiteName, redisUrl, testKeyPrefix } from '../support/redis.js';

function recorder() {
  const log = { warn: [] as string[], info: [] as string[] };
  const counts = { redisErrors: 0, degraded: 0 };
  return {
    log,
    counts,
    logger: { warn: (_: object, message: string) => log.warn.push(message), info: (_: object, message: string) => log.info.push(message) },
    observer: { redisError: () => { counts.redisErrors += 1; }, degraded: () => { counts.degraded += 1; } },
  };
}

function resilient(redis: Redis, onRedisError: OnRedisError, keyPrefix = 'gatehouse:') {
  const watch = recorder();
  const backend = new ResilientLimitBackend(new RedisLimitBackend(redis, { keyPrefix, slotLeaseMs: 60_000 }), { onRedisError, logger: watch.logger, observer: watch.observer });
  return { backend, ...watch };
}

const bucket = { key: 'user:alice', rpm: 2, concurrent: 5 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('with Redis unreachable (nothing listens on its port)', () => {
  async function down(mode: OnRedisError) {
    const redis = createLimitsRedis(`redis://127.0.0.1:${await freePort()}`, { commandTimeoutMs: 200, onError: () => {} });
    const made = resilient(redis, mode);
    cleanups.push(() => made.backend.close());
    return made;
  }

  it('open: enforces the limits locally, logs the outage once and counts every request decided locally', async () => {
    const { backend, log, counts } = await down('open');
    const kinds = [];
    for (let i = 0; i < 3; i += 1) kinds.push((await backend.admit([bucket], { tokens: 0 })).kind);
    expect(kinds).toEqual(['admitted', 'admitted', 'refused']);
    expect(log.warn).toEqual([expect.stringContaining('enforced per replica')]);
    expect(counts.degraded).toBe(3);
  });

  it('open: settles a locally admitted request locally', async () => {
    const { backend } = await down('open');
    const slots = { key: 'user:slots', concurrent: 1 };
    const first = admitted(await backend.admit([slots], { tokens: 0 }));
    expect((await backend.admit([slots], { tokens: 0 })).kind).toBe('refused');
    await backend.settle(first.ticket, { tokens: 0 });
    expect((await backend.admit([slots], { tokens: 0 })).kind).toBe('admitted');
  });

  it('closed: answers unavailable at once', async () => {
    const { backend, log } = await down('closed');
    const started = performance.now();
    expect(await backend.admit([bucket], { tokens: 0 })).toMatchObject({ kind: 'unavailable' });
    expect(performance.now() - started).toBeLessThan(100);
    expect(log.warn).toEqual([expect.stringContaining('refused with 503')]);
  });
});

describe('with a Redis that stops answering', () => {
  it('gives up after the command timeout instead of hanging, and counts the error', async () => {
    const silent = await startSilentRedis();
    const redis = createLimitsRedis(silent.url, { commandTimeoutMs: 150, onError: () => {} });
    await once(redis, 'ready');
    const { backend, counts } = resilient(redis, 'closed');
    cleanups.push(async () => { redis.disconnect(); await silent.close(); });
    const started = performance.now();
    expect((await backend.admit([bucket], { tokens: 0 })).kind).toBe('unavailable');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(counts.redisErrors).toBe(1);
  });
});

describe.runIf(redisUrl)(redisSuiteName('with the connection to a real Redis killed under load'), () => {
  interface Outcome {
    before: Set<string>;
    during: Set<string>;
    log: { warn: string[]; info: string[] };
  }

  async function killedUnderLoad(mode: OnRedisError): Promise<Outcome> {
    const keyPrefix = testKeyPrefix();
    const admin = await connectedClient(redisUrl!);
    const redis = await connectedClient(redisUrl!);
    const made = resilient(redis, mode, keyPrefix);
    cleanups.push(async () => { await made.backend.close(); await deletePrefix(admin, keyPrefix); await admin.quit(); });
    const load = { key: 'user:load', rpm: 1_000_000 };
    const burst = async () => new Set((await Promise.all(Array.from({ length: 20 }, () => made.backend.admit([load], { tokens: 0 })))).map((result) => result.kind));
    const id = await redis.client('ID');
    const before = await burst();
    // The server drops the connection; the client reconnects on its own after its first backoff (100 ms).
    await admin.client('KILL', 'ID', String(id));
    const during = await burst();
    await once(redis, 'ready');
    expect((await made.backend.admit([load], { tokens: 0 })).kind).toBe('admitted');
    expect(made.log.warn).toHaveLength(1);
    expect(made.log.info).toEqual([expect.stringContaining('reachable again')]);
    // The shared counter saw the requests decided through Redis, not those decided while it was away.
    expect(Number(await admin.hget(`{${keyPrefix}rl:user:load}:w`, 'rc'))).toBe(21);
    return { before, during, log: made.log };
  }

  it('open: keeps admitting through the outage and goes back to Redis', async () => {
    const { before, during } = await killedUnderLoad('open');
    expect([...before, ...during]).toEqual(['admitted', 'admitted']);
  });

  it('closed: answers unavailable during the outage only', async () => {
    const { before, during } = await killedUnderLoad('closed');
    expect([...before, ...during]).toEqual(['admitted', 'unavailable']);
  });
});
