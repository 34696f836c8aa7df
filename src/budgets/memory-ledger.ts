/**
 * The budget ledger of a single replica, in process memory. Synchronous inside (each call is atomic because
 * JavaScript runs one call at a time); its spend is rebuilt from the store at start (rebuild.ts).
 */
import { randomBytes } from 'node:crypto';
import type { BudgetCalendar, BudgetPeriod } from './periods.js';
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

interface Hold {
  readonly micros: number;
  readonly untilMs: number;
}

/** One bucket in one period instance. */
interface Account {
  spent: number;
  reserved: number;
  readonly holds: Map<string, Hold>;
  /** The earliest `untilMs` among holds (Infinity when none), so expiry is checked in O(1) on most calls. */
  nextExpiryMs: number;
  softReported: boolean;
  /** When the account may be forgotten: its period's end, or never for `total`. */
  readonly endMs: number;
}

/** Accounts of periods that ended are dropped at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

export class MemoryBudgetLedger implements BudgetLedger {
  readonly calendar: BudgetCalendar;
  private readonly accounts = new Map<string, Account>();
  private readonly replica = randomBytes(4).toString('hex');
  private sequence = 0;
  private nextSweepMs = 0;

  constructor(private readonly options: LedgerOptions) {
    validateLedgerOptions(options);
    this.calendar = options.calendar;
  }

  reserve(buckets: readonly BudgetBucket[], estimateUsd: number, now: Date): Promise<ReserveResult> {
    const nowMs = now.getTime();
    this.sweep(nowMs);
    const resolved = resolveBuckets(this.calendar, buckets, nowMs);
    const estimate = toMicrosCeil(estimateUsd);
    const accounts = resolved.map((bucket) => this.account(bucket.key, bucket.window.key, bucket.window.endMs, nowMs));
    for (const [i, bucket] of resolved.entries()) {
      const account = accounts[i]!;
      if (account.spent + account.reserved + estimate > toMicros(bucket.limitUsd)) {
        const resetsAt = Number.isFinite(bucket.window.endMs) ? new Date(bucket.window.endMs) : undefined;
        return Promise.resolve({ ok: false, bucket: bucket.key, period: bucket.period, spentUsd: fromMicros(account.spent), reservedUsd: fromMicros(account.reserved), limitUsd: bucket.limitUsd, resetsAt });
      }
    }
    const reservation = new Reservation(`${this.replica}:${(this.sequence += 1)}`, estimate, resolved, nowMs + this.options.reservationTtlMs);
    for (const account of accounts) {
      account.reserved += estimate;
      account.holds.set(reservation.id, { micros: estimate, untilMs: reservation.expiresAtMs });
      account.nextExpiryMs = Math.min(account.nextExpiryMs, reservation.expiresAtMs);
    }
    return Promise.resolve({ ok: true, reservation });
  }

  settle(reservation: Reservation, actualUsd: number): Promise<readonly SettledBucket[]> {
    if (reservation.settled) return Promise.resolve([]);
    reservation.settled = true;
    const actual = toMicros(actualUsd);
    const settled: SettledBucket[] = [];
    for (const bucket of reservation.buckets) {
      const account = this.account(bucket.key, bucket.window.key, bucket.window.endMs, undefined);
      const hold = account.holds.get(reservation.id);
      if (hold !== undefined) {
        account.holds.delete(reservation.id);
        account.reserved -= hold.micros;
      }
      account.spent += actual;
      settled.push({ key: bucket.key, period: bucket.period, periodKey: bucket.window.key, spentUsd: fromMicros(account.spent), limitUsd: bucket.limitUsd });
      const threshold = softThreshold(toMicros(bucket.limitUsd), this.options.softLimit);
      if (threshold !== undefined && !account.softReported && account.spent >= threshold) {
        account.softReported = true;
        reportSoftLimit(this.options, { bucket: bucket.key, period: bucket.period, periodKey: bucket.window.key, spentUsd: fromMicros(account.spent), limitUsd: bucket.limitUsd, fraction: this.options.softLimit! });
      }
    }
    return Promise.resolve(settled);
  }

  spent(bucket: string, period: BudgetPeriod, now: Date = new Date()): Promise<number> {
    const account = this.accounts.get(accountKey(bucket, this.calendar.window(period, now).key));
    return Promise.resolve(account === undefined ? 0 : fromMicros(account.spent));
  }

  restore(entries: readonly RestoredSpend[], now: Date): Promise<void> {
    for (const entry of entries) {
      const window = this.calendar.window(entry.period, now);
      const account = this.account(entry.key, window.key, window.endMs, undefined);
      account.spent = Math.max(account.spent, toMicros(entry.spentUsd));
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The account, created empty when new; expired holds are released first when `nowMs` is given. */
  private account(bucket: string, periodKey: string, endMs: number, nowMs: number | undefined): Account {
    const key = accountKey(bucket, periodKey);
    let account = this.accounts.get(key);
    if (account === undefined) {
      account = { spent: 0, reserved: 0, holds: new Map(), nextExpiryMs: Number.POSITIVE_INFINITY, softReported: false, endMs };
      this.accounts.set(key, account);
    } else if (nowMs !== undefined && nowMs >= account.nextExpiryMs) {
      releaseExpired(account, nowMs);
    }
    return account;
  }

  /** Forgets accounts whose period is over and that hold nothing, so memory follows the active buckets. */
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweepMs) return;
    this.nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
    for (const [key, account] of this.accounts) {
      if (account.endMs <= nowMs && account.holds.size === 0) this.accounts.delete(key);
    }
  }
}

function releaseExpired(account: Account, nowMs: number): void {
  let next = Number.POSITIVE_INFINITY;
  for (const [id, hold] of account.holds) {
    if (hold.untilMs <= nowMs) {
      account.holds.delete(id);
      account.reserved -= hold.micros;
    } else {
      next = Math.min(next, hold.untilMs);
    }
  }
  account.nextExpiryMs = next;
}

/** Period keys hold no `|`, so the key is unambiguous whatever the bucket's value. */
function accountKey(bucket: string, periodKey: string): string {
  return `${periodKey}|${bucket}`;
}
