/**
 * Sessions mirrored in Redis when `redis` is configured: a cache in front of the store that every replica reads
 * before the database. The store stays the source of truth, so a Redis outage or eviction costs a query, never
 * a session; entries expire with the session (or its idle deadline) so Redis never holds a dead one for long.
 */
import type { Redis } from 'ioredis';
import type { SessionRecord } from './session-records.js';

export interface SessionMirror {
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Keep `record` for `ttlMs`. */
  set(record: SessionRecord, ttlMs: number): Promise<void>;
  delete(idHash: string): Promise<void>;
}

export class RedisSessionMirror implements SessionMirror {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async get(idHash: string): Promise<SessionRecord | undefined> {
    const value = await this.redis.get(this.key(idHash));
    if (value === null) return undefined;
    const record = JSON.parse(value) as SessionRecord;
    return record.idHash === idHash ? record : undefined;
  }

  async set(record: SessionRecord, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return this.delete(record.idHash);
    await this.redis.set(this.key(record.idHash), JSON.stringify(record), 'PX', Math.ceil(ttlMs));
  }

  async delete(idHash: string): Promise<void> {
    await this.redis.del(this.key(idHash));
  }

  private key(idHash: string): string {
    return `${this.keyPrefix}session:${idHash}`;
  }
}

/** A mirror whose failures are logged and treated as misses: Redis being down costs a query, not a request. */
export class TolerantMirror {
  constructor(
    private readonly mirror: SessionMirror | undefined,
    private readonly logger: { warn(object: object, message: string): void } | undefined,
  ) {}

  async get(idHash: string): Promise<SessionRecord | undefined> {
    return this.mirror?.get(idHash).catch((error: unknown) => this.failed(error, undefined));
  }

  async set(record: SessionRecord, ttlMs: number): Promise<void> {
    return this.mirror?.set(record, ttlMs).catch((error: unknown) => this.failed(error, undefined));
  }

  async delete(idHash: string): Promise<void> {
    return this.mirror?.delete(idHash).catch((error: unknown) => this.failed(error, undefined));
  }

  private failed<T>(error: unknown, fallback: T): T {
    this.logger?.warn({ err: { message: (error as Error).message } }, 'redis session mirror unavailable; using the store');
    return fallback;
  }
}
