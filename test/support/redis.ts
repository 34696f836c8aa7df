/**
 * The Redis these tests share (TEST_REDIS_URL): each run writes under its own random key prefix and deletes it
 * afterwards. When TEST_REDIS_URL is set but Redis cannot be reached, connecting rejects and the tests fail.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { createLimitsRedis } from '../../src/limits/index.js';

export const redisUrl = process.env.TEST_REDIS_URL;
export const redisSuiteName = (name: string): string => `${name}${redisUrl ? '' : ' (skipped: set TEST_REDIS_URL=redis://… to run)'}`;

export function testKeyPrefix(): string {
  return `gatehouse-test:${randomUUID()}:`;
}

/** A client as the gateway creates it, once connected. */
export async function connectedClient(url: string, onError: (error: Error) => void = () => {}): Promise<Redis> {
  const errors: Error[] = [];
  const redis = createLimitsRedis(url, { commandTimeoutMs: 500, onError: (error) => { errors.push(error); onError(error); } });
  const ready = once(redis, 'ready');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`redis at ${url} not ready: ${errors.at(-1)?.message ?? 'timeout'}`)), 5_000).unref());
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/** Deletes every key under `prefix` (the bucket keys start with `{prefix`). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
