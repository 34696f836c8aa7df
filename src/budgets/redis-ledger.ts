/**
 * The budget ledger shared by every replica through Redis: one script call (one round trip) per reservation and
 * one per settlement, each atomic over all of the request's buckets (redis-ledger-script.ts).
 *
 * Keys: `{<prefix>budgets}:s:<period key>:<bucket>` (hash) and `{<prefix>budgets}:l:<period key>:<bucket>`
 * (leases). Every budget key carries the same hash tag, so on Redis Cluster they share one slot: a request's
 * buckets must be reserved all-or-nothing in one script, and a script may only touch keys of one slot. Budget
 * traffic is two small script calls per request, which one shard carries easily; rate-limit keys, which are far
 * busier, are spread per bucket instead. Keys expire a day after their period ends (`total` keys never do).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BudgetCalendar, BudgetPeriod, PeriodWindow } from './periods.js';
import {
  fromMicros,
  reportSoftLimit,
  Reservation,
  resolveBuckets,
  softThreshold,
  toMicros,
  toMicrosCeil,
  validateLedgerOptions,
  type BudgetBucket,
  type BudgetLedger,
  type LedgerOptions,
  type ReserveResult,
  type RestoredSpend,
  type SettledBucket,
} from './ledger.js';
import { RESERVE_COMMAND, RESERVE_SCRIPT, RESTORE_COMMAND, RESTORE_SCRIPT, SETTLE_COMMAND, SETTLE_SCRIPT } from './redis-ledger-script.js';

export interface RedisLedgerOptions extends LedgerOptions {
  /** Prefix of every key (`redis.key_prefix`). */
  readonly keyPrefix: string;
}

/** How long a period's keys outlive it, so a late settlement and an operator's look still find them. */
const KEY_GRACE_MS = 86_400_000;
const NO_THRESHOLD = -1;

export class RedisBudgetLedger implements BudgetLedger {
  readonly calendar: BudgetCalendar;
  private readonly replica = randomBytes(6).toString('base64url');
  private readonly tag: string;
  private sequence = 0;

  /** Shares `redis` with its owner (typically the rate limiter's client): `close` does not quit it. */
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisLedgerOptions,
  ) {
    validateLedgerOptions(options);
    this.calendar = options.calendar;
    this.tag = `{${options.keyPrefix}budgets}`;
    redis.defineCommand(RESERVE_COMMAND, { lua: RESERVE_SCRIPT });
    redis.defineCommand(SETTLE_COMMAND, { lua: SETTLE_SCRIPT });
    redis.defineCommand(RESTORE_COMMAND, { lua: RESTORE_SCRIPT });
  }

  async reserve(buckets: readonly BudgetBucket[], estimateUsd: number, now: Date): Promise<ReserveResult> {
    const nowMs = now.getTime();
    const resolved = resolveBuckets(this.calendar, buckets, nowMs);
    const estimate = toMicrosCeil(estimateUsd);
    const reservation = new Reservation(`${this.replica}:${(this.sequence += 1)}`, estimate, resolved, nowMs + this.options.reservationTtlMs);
    if (resolved.length === 0) return { ok: true, reservation };
    const keys: string[] = [];
    const limits: number[] = [];
    for (const bucket of resolved) {
      keys.push(this.hashKey(bucket.key, bucket.window.key), this.leasesKey(bucket.key, bucket.window.key));
      limits.push(toMicros(bucket.limitUsd), keyExpiry(bucket.window, reservation.expiresAtMs));
    }
    const reply = await this.redis.gatehouseBudgetReserve(keys.length, ...keys, nowMs, reservation.id, estimate, reservation.expiresAtMs, ...limits);
    if (reply[0] === 1) return { ok: true, reservation };
    const refused = resolved[reply[1]! - 1]!;
    const resetsAt = Number.isFinite(refused.window.endMs) ? new Date(refused.window.endMs) : undefined;
    return { ok: false, bucket: refused.key, period: refused.period, spentUsd: fromMicros(reply[2]!), reservedUsd: fromMicros(reply[3]!), limitUsd: refused.limitUsd, resetsAt };
  }

  async settle(reservation: Reservation, actualUsd: number): Promise<readonly SettledBucket[]> {
    if (reservation.settled || reservation.buckets.length === 0) return [];
    reservation.settled = true;
    const keys: string[] = [];
    const args: number[] = [];
    for (const bucket of reservation.buckets) {
      keys.push(this.hashKey(bucket.key, bucket.window.key), this.leasesKey(bucket.key, bucket.window.key));
      args.push(softThreshold(toMicros(bucket.limitUsd), this.options.softLimit) ?? NO_THRESHOLD, keyExpiry(bucket.window, 0));
    }
    const reply = await this.redis.gatehouseBudgetSettle(keys.length, ...keys, reservation.id, toMicros(actualUsd), ...args);
    return reservation.buckets.map((bucket, i) => {
      const spentUsd = fromMicros(reply[2 * i]!);
      if (reply[2 * i + 1] === 1) {
        reportSoftLimit(this.options, { bucket: bucket.key, period: bucket.period, periodKey: bucket.window.key, spentUsd, limitUsd: bucket.limitUsd, fraction: this.options.softLimit! });
      }
      return { key: bucket.key, period: bucket.period, periodKey: bucket.window.key, spentUsd, limitUsd: bucket.limitUsd };
    });
  }

  async spent(bucket: string, period: BudgetPeriod, now: Date = new Date()): Promise<number> {
    const value = await this.redis.hget(this.hashKey(bucket, this.calendar.window(period, now).key), 'spent');
    return value === null ? 0 : fromMicros(Number(value));
  }

  async restore(entries: readonly RestoredSpend[], now: Date): Promise<void> {
    // Chunks keep each script call short: Redis runs nothing else while a script runs.
    const chunk = 500;
    for (let start = 0; start < entries.length; start += chunk) {
      const keys: string[] = [];
      const args: number[] = [];
      for (const entry of entries.slice(start, start + chunk)) {
        const window = this.calendar.window(entry.period, now);
        keys.push(this.hashKey(entry.key, window.key));
        args.push(toMicros(entry.spentUsd), keyExpiry(window, 0));
      }
      await this.redis.gatehouseBudgetRestore(keys.length, ...keys, ...args);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private hashKey(bucket: string, periodKey: string): string {
    return `${this.tag}:s:${periodKey}:${bucket}`;
  }

  private leasesKey(bucket: string, periodKey: string): string {
    return `${this.tag}:l:${periodKey}:${bucket}`;
  }
}

/** Epoch ms when a period's keys may go (0: never, for `total`); never before a live lease ends. */
function keyExpiry(window: PeriodWindow, leaseEndMs: number): number {
  if (!Number.isFinite(window.endMs)) return 0;
  return Math.max(window.endMs, leaseEndMs) + KEY_GRACE_MS;
}
