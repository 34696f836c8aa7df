/**
 * The budget ledger: what every budget bucket has spent in its current period, and what requests in flight have
 * reserved. One interface, two backends: memory (one replica) and Redis (shared by every replica).
 *
 * A request reserves its estimated cost in all of its buckets at once before the model is called, and settles
 * with the actual cost afterwards. Amounts are integer micro-dollars inside the ledger, so sums never drift; the
 * API speaks USD. See docs/budgets.md for the overspend bound these semantics give.
 */
import type { BudgetCalendar, BudgetPeriod, PeriodWindow } from './periods.js';

/** One budget a request is subject to: a bucket (`claim/department:legal`), a period and its limit. */
export interface BudgetBucket {
  readonly key: string;
  readonly period: BudgetPeriod;
  readonly limitUsd: number;
}

/** A bucket in the period instance a reservation counts in. */
export interface ReservedBucket extends BudgetBucket {
  readonly window: PeriodWindow;
}

export interface ReserveAdmitted {
  readonly ok: true;
  readonly reservation: Reservation;
}

/** The first bucket that could not take the estimate (buckets are checked in the order given). */
export interface ReserveRefused {
  readonly ok: false;
  readonly bucket: string;
  readonly period: BudgetPeriod;
  /** Settled spend in the bucket's current period. */
  readonly spentUsd: number;
  /** Held by requests in flight. */
  readonly reservedUsd: number;
  readonly limitUsd: number;
  /** When the period ends and the budget is whole again; undefined for `total`. */
  readonly resetsAt: Date | undefined;
}

export type ReserveResult = ReserveAdmitted | ReserveRefused;

/** A bucket's state right after a settlement, for budget metrics (used and remaining). */
export interface SettledBucket {
  readonly key: string;
  readonly period: BudgetPeriod;
  readonly periodKey: string;
  readonly spentUsd: number;
  readonly limitUsd: number;
}

/** A bucket's settled spend reached the soft-limit fraction of its limit; reported once per bucket and period. */
export interface SoftLimitEvent {
  readonly bucket: string;
  readonly period: BudgetPeriod;
  readonly periodKey: string;
  readonly spentUsd: number;
  readonly limitUsd: number;
  readonly fraction: number;
}

/** Spend known from the store, for `restore`. */
export interface RestoredSpend {
  readonly key: string;
  readonly period: BudgetPeriod;
  readonly spentUsd: number;
}

export interface BudgetLedger {
  readonly calendar: BudgetCalendar;
  /** Reserves `estimateUsd` in every bucket, or in none when one of them would go over its limit. */
  reserve(buckets: readonly BudgetBucket[], estimateUsd: number, now: Date): Promise<ReserveResult>;
  /**
   * Replaces the reservation with the actual cost (0 releases it: the call never happened). Charged to the
   * period the reservation was made in. Settling twice is a no-op.
   */
  settle(reservation: Reservation, actualUsd: number): Promise<readonly SettledBucket[]>;
  /** Settled spend of a bucket in the period containing `now` (default: the present). */
  spent(bucket: string, period: BudgetPeriod, now?: Date): Promise<number>;
  /**
   * Raises each bucket's spend in the current period to at least the given amount (never lowers it): after a
   * restart, or after Redis lost its data, the store's totals are the floor.
   */
  restore(entries: readonly RestoredSpend[], now: Date): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerOptions {
  readonly calendar: BudgetCalendar;
  /**
   * How long an unsettled reservation holds budget: a replica that crashes mid-request releases it after this.
   * Longer than the longest request (the routing timeout), or a slow request's reservation lapses early.
   */
  readonly reservationTtlMs: number;
  /** Fraction of a limit (0 < f ≤ 1) whose crossing is reported once per bucket and period. */
  readonly softLimit?: number;
  /** Called after the settlement that crossed; must not throw (an exception is swallowed). */
  readonly onSoftLimit?: (event: SoftLimitEvent) => void;
}

/** What a request holds between `reserve` and `settle`. Only the ledger that made it can settle it. */
export class Reservation {
  settled = false;
  constructor(
    readonly id: string,
    readonly estimateMicros: number,
    readonly buckets: readonly ReservedBucket[],
    readonly expiresAtMs: number,
  ) {}

  get estimateUsd(): number {
    return fromMicros(this.estimateMicros);
  }
}

const MICROS_PER_USD = 1_000_000;

/** USD to integer micro-dollars, rounded to nearest; negative and non-finite amounts count as 0. */
export function toMicros(usd: number): number {
  return Number.isFinite(usd) && usd > 0 ? Math.round(usd * MICROS_PER_USD) : 0;
}

/** An estimate, rounded up, so rounding never lets a request under a limit it would cross. */
export function toMicrosCeil(usd: number): number {
  return Number.isFinite(usd) && usd > 0 ? Math.ceil(usd * MICROS_PER_USD - 1e-6) : 0;
}

export function fromMicros(micros: number): number {
  return micros / MICROS_PER_USD;
}

/**
 * The request's buckets in their current periods, one entry per bucket and period instance: two rules that put
 * a budget on the same bucket and period share one counter, and the smaller limit holds.
 */
export function resolveBuckets(calendar: BudgetCalendar, buckets: readonly BudgetBucket[], nowMs: number): ReservedBucket[] {
  const resolved: ReservedBucket[] = [];
  for (const bucket of buckets) {
    const window = calendar.window(bucket.period, nowMs);
    const same = resolved.findIndex((entry) => entry.key === bucket.key && entry.window.key === window.key);
    if (same === -1) resolved.push({ key: bucket.key, period: bucket.period, limitUsd: bucket.limitUsd, window });
    else if (bucket.limitUsd < resolved[same]!.limitUsd) resolved[same] = { ...resolved[same]!, limitUsd: bucket.limitUsd };
  }
  return resolved;
}

/** The crossing threshold in micro-dollars, or undefined when soft limits are off. */
export function softThreshold(limitMicros: number, fraction: number | undefined): number | undefined {
  return fraction === undefined ? undefined : Math.ceil(limitMicros * fraction);
}

export function validateLedgerOptions(options: LedgerOptions): void {
  const { reservationTtlMs, softLimit } = options;
  if (!(Number.isFinite(reservationTtlMs) && reservationTtlMs > 0)) throw new RangeError(`reservationTtlMs must be a positive number, got ${reservationTtlMs}`);
  if (softLimit !== undefined && !(softLimit > 0 && softLimit <= 1)) throw new RangeError(`softLimit must be a fraction in (0, 1], got ${softLimit}`);
}

/** Calls the soft-limit callback; a broken callback must not break a settlement. */
export function reportSoftLimit(options: LedgerOptions, event: SoftLimitEvent): void {
  try {
    options.onSoftLimit?.(event);
  } catch {
    // ignored by contract: the callback owns its errors
  }
}
