/**
 * Budget periods on the calendar of a configured IANA time zone: a `day` starts at local midnight, a `week` on
 * Monday (ISO 8601 weeks, numbered in their ISO week-year), a `month` on its first day, and `total` never resets.
 *
 * A period's start is the first instant whose local date is its first day, found by search over real instants
 * rather than by adding an offset to midnight: midnight can be skipped (a DST gap at 00:00, as in Santiago or
 * Beirut) or a whole day can be (Samoa, 2011-12-30), and a fixed offset gets both wrong. Local dates never go
 * backwards, even when the clock does, so the search is exact. Each calendar caches the current window of every
 * period kind, so a request costs one comparison, not a time-zone conversion.
 */
import type { BudgetPeriod } from '../policy/obligations.js';

export type { BudgetPeriod } from '../policy/obligations.js';
export { isTimeZone } from '../policy/zoned-clock.js';

export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total'];

/** One instance of a period: where it starts and ends and the key that names it. */
export interface PeriodWindow {
  readonly period: BudgetPeriod;
  /** `2026-11-26`, `2026-W48`, `2026-11` or `total`. */
  readonly key: string;
  /** Epoch ms of the first instant in the period; 0 for `total`. */
  readonly startMs: number;
  /** Epoch ms of the first instant after it; `Infinity` for `total`. */
  readonly endMs: number;
  /** The local date (`YYYY-MM-DD`) of the first day; `0000-01-01` for `total`. */
  readonly firstDay: string;
}

const MS_PER_DAY = 86_400_000;
/** Farther than any UTC offset there has ever been (LMT offsets reach about ±15:30). */
const OFFSET_SEARCH_MS = 16 * 3_600_000;

const TOTAL: PeriodWindow = Object.freeze({ period: 'total', key: 'total', startMs: 0, endMs: Number.POSITIVE_INFINITY, firstDay: '0000-01-01' });

/** Civil dates as days since 1970-01-01, which makes adding days and finding weekdays plain arithmetic. */
type CivilDay = number;

export class BudgetCalendar {
  private readonly localDayOf: (ms: number) => CivilDay;
  private readonly current = new Map<BudgetPeriod, PeriodWindow>();

  constructor(readonly timeZone: string) {
    this.localDayOf = timeZone === 'UTC' ? (ms) => Math.floor(ms / MS_PER_DAY) : zonedDay(timeZone);
  }

  /** The window of `period` that contains `at` (epoch ms or Date). */
  window(period: BudgetPeriod, at: number | Date): PeriodWindow {
    if (period === 'total') return TOTAL;
    const ms = typeof at === 'number' ? at : at.getTime();
    const cached = this.current.get(period);
    if (cached !== undefined && cached.startMs <= ms && ms < cached.endMs) return cached;
    const window = this.compute(period, ms);
    this.current.set(period, window);
    return window;
  }

  /** The local date of `at`, `YYYY-MM-DD`: the key of its day. */
  dayKey(at: number | Date): string {
    return this.window('day', at).key;
  }

  /** The first instant of a local date (`YYYY-MM-DD`), epoch ms. */
  startOfDay(day: string): number {
    return this.startOf(civilDayOf(day));
  }

  private compute(period: Exclude<BudgetPeriod, 'total'>, ms: number): PeriodWindow {
    const today = this.localDayOf(ms);
    const [first, next, key] = bounds(period, today);
    return Object.freeze({ period, key, startMs: this.startOf(first), endMs: this.startOf(next), firstDay: formatDay(first) });
  }

  /** The first instant whose local date is `day` or later. */
  private startOf(day: CivilDay): number {
    let lo = day * MS_PER_DAY - OFFSET_SEARCH_MS; // local date still before `day`
    let hi = day * MS_PER_DAY + OFFSET_SEARCH_MS; // local date already `day` or later
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.localDayOf(mid) >= day) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** The first day of the period containing `today`, the first day of the next one, and the period's key. */
function bounds(period: Exclude<BudgetPeriod, 'total'>, today: CivilDay): [CivilDay, CivilDay, string] {
  if (period === 'day') return [today, today + 1, formatDay(today)];
  if (period === 'week') {
    const monday = today - isoWeekday(today);
    return [monday, monday + 7, isoWeekKey(monday)];
  }
  const date = new Date(today * MS_PER_DAY);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const first = Date.UTC(year, month, 1) / MS_PER_DAY;
  const next = Date.UTC(year, month + 1, 1) / MS_PER_DAY;
  return [first, next, `${pad(year, 4)}-${pad(month + 1, 2)}`];
}

/** 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday. */
function isoWeekday(day: CivilDay): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** `2026-W48`: the ISO week-year is the year of the week's Thursday, and week 1 is the week holding 4 January. */
function isoWeekKey(monday: CivilDay): string {
  const thursday = monday + 3;
  const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1) / MS_PER_DAY) / 7);
  return `${pad(year, 4)}-W${pad(week, 2)}`;
}

function formatDay(day: CivilDay): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isDayKey(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  return match !== null && formatDay(civilDayOf(text)) === text;
}

function civilDayOf(day: string): CivilDay {
  const match = DAY_PATTERN.exec(day);
  if (match === null) throw new RangeError(`expected a date YYYY-MM-DD, got "${day}"`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function zonedDay(timeZone: string): (ms: number) => CivilDay {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
  return (ms) => {
    let year = 0;
    let month = 0;
    let day = 0;
    for (const part of format.formatToParts(ms)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
    }
    return Date.UTC(year, month - 1, day) / MS_PER_DAY;
  };
}
