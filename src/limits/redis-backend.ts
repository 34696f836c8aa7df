/**
 * Rate limits shared by every replica through Redis: one script call per admission and one per settlement, each
 * atomic over all of the request's buckets (redis-script.ts). Keys carry a hash tag per bucket,
 * `{<prefix>rl:<bucket>}:w` and `…:c`, so a bucket's keys live in one Cluster slot; see docs/limits.md for why a
 * request's buckets are not forced into one slot and what that means on Cluster.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { bucketStatus, refusal } from './bucket-report.js';
import { ADMIT_COMMAND, ADMIT_SCRIPT, SETTLE_COMMAND, SETTLE_SCRIPT } from './redis-script.js';
import { WINDOW_MS } from './sliding-window.js';
import type { Admission, BucketCounts, LimitBackend, LimitBucket, LimitTicket } from './types.js';

export interface RedisLimitOptions {
  /** Prefix of every key (`redis.key_prefix`). */
  readonly keyPrefix: string;
  /**
   * How long a concurrent slot is held at most: a replica that crashes mid-request frees its slots after this.
   * Longer than the longest request (the routing timeout).
   */
  readonly slotLeaseMs: number;
  /** Epoch milliseconds from the caller; by default the Redis server's clock, which all replicas share. */
  readonly clock?: () => number;
}

export interface RedisClientOptions {
  /** A command that takes longer fails, so a stalled Redis cannot stall requests. */
  readonly commandTimeoutMs: number;
  readonly onError: (error: Error) => void;
}

/** A client that fails fast while disconnected (no offline queue, no retries) and reconnects forever. */
export function createLimitsRedis(url: string, options: RedisClientOptions): Redis {
  const redis = new Redis(url, {
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1_000, options.commandTimeoutMs * 4),
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // Commands issued in the same tick (a request's limits and budget; many requests' settlements) go out in one
    // write and come back in one read: fewer syscalls per request under load.
    enableAutoPipelining: true,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2_000),
  });
  redis.on('error', options.onError);
  return redis;
}

class RedisTicket implements LimitTicket {
  settled = false;
  constructor(
    readonly buckets: readonly LimitBucket[],
    readonly estimatedTokens: number,
    readonly id: string,
    readonly window: number,
    readonly keys: readonly string[],
  ) {}
}

const NO_LIMIT = -1;
const COUNTERS_PER_BUCKET = 5;

export class RedisLimitBackend implements LimitBackend {
  private readonly replica = randomBytes(6).toString('base64url');
  private sequence = 0;

  /** Takes ownership of `redis`: `close` quits it. */
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisLimitOptions,
  ) {
    redis.defineCommand(ADMIT_COMMAND, { lua: ADMIT_SCRIPT });
    redis.defineCommand(SETTLE_COMMAND, { lua: SETTLE_SCRIPT });
  }

  /** Whether the connection is up; while it is not, every call would fail at once. */
  available(): boolean {
    return this.redis.status === 'ready';
  }

  async admit(buckets: readonly LimitBucket[], estimate: { readonly tokens: number }): Promise<Admission> {
    const tokens = Math.max(0, Math.ceil(estimate.tokens));
    const keys = this.keysOf(buckets);
    const id = `${this.replica}:${(this.sequence += 1)}`;
    const args: (string | number)[] = [...keys, this.now(), WINDOW_MS, this.options.slotLeaseMs, id, tokens];
    for (const bucket of buckets) args.push(bucket.rpm ?? NO_LIMIT, bucket.tpm ?? NO_LIMIT, bucket.concurrent ?? NO_LIMIT);
    const reply = await this.redis.gatehouseLimitAdmit(keys.length, ...args);
    const [admitted, window, elapsed] = reply as [number, number, number];
    const counts = buckets.map((_, i) => countsAt(reply, 3 + i * COUNTERS_PER_BUCKET));
    if (admitted !== 1) return refusal(buckets, counts, elapsed, tokens);
    return {
      kind: 'admitted',
      ticket: new RedisTicket(buckets, tokens, id, window, keys),
      status: buckets.map((bucket, i) => bucketStatus(bucket, counts[i]!, elapsed)),
    };
  }

  async settle(ticket: LimitTicket, actual: { readonly tokens: number }): Promise<void> {
    if (!(ticket instanceof RedisTicket)) throw new TypeError('a ticket from another limit backend');
    if (ticket.settled) return;
    ticket.settled = true;
    const delta = Math.max(0, Math.ceil(actual.tokens)) - ticket.estimatedTokens;
    const flags: string[] = [];
    let work = false;
    for (const bucket of ticket.buckets) {
      const tokens = bucket.tpm !== undefined && delta !== 0;
      const slot = bucket.concurrent !== undefined;
      flags.push(tokens ? '1' : '0', slot ? '1' : '0');
      work ||= tokens || slot;
    }
    // Nothing to refund, charge or free: spare the round trip.
    if (!work) return;
    await this.redis.gatehouseLimitSettle(ticket.keys.length, ...ticket.keys, this.now(), WINDOW_MS, ticket.id, ticket.window, delta, ...flags);
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private now(): number | string {
    return this.options.clock === undefined ? '' : this.options.clock();
  }

  private keysOf(buckets: readonly LimitBucket[]): string[] {
    const keys: string[] = [];
    for (const bucket of buckets) {
      const tag = `{${this.options.keyPrefix}rl:${bucket.key}}`;
      keys.push(`${tag}:w`, `${tag}:c`);
    }
    return keys;
  }
}

function countsAt(reply: readonly number[], at: number): BucketCounts {
  return { reqPrev: reply[at]!, reqCurr: reply[at + 1]!, tokPrev: reply[at + 2]!, tokCurr: reply[at + 3]!, inFlight: reply[at + 4]! };
}
