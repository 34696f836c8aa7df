/**
 * The Redis these tests share (TEST_REDIS_URL): each run writes under its own random key prefix and deletes it
 * afterwards. When TEST_REDIS_URL is set but Redis cannot be reached, connecting rejects and the tests fail.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';

export const redisUrl = process.env.TEST_REDIS_URL;
export const redisSuiteName = (name: string): string => `${name}${redisUrl ? '' : ' (skipped: set TEST_REDIS_URL=redis://… to run)'}`;

export function testKeyPrefix(): string {
  return `gatehouse-test:${randomUUID()}:`;
}

/** A client that fails fast (as the gateway's does), once connected; rejects within 5 s when Redis is away. */
export async function connectedClient(url: string): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2_000, retryStrategy: () => 200 });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`redis at ${url} not ready: ${lastError?.message ?? 'timeout'}`)), 5_000).unref());
  try {
    await Promise.race([once(redis, 'ready'), timeout]);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/** Deletes every key whose hash tag starts with `prefix`. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
