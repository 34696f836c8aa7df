/**
 * Budget periods in UTC, as the gateway counts them by default: a day from midnight, a week from Monday (ISO
 * weeks), a month from its first day, `total` from the beginning. Days are `YYYY-MM-DD`, the form the spend API takes.
 */
import type { BudgetPeriod } from '../api/types.js';

const MS_PER_DAY = 86_400_000;
/** The spend API's earliest day, standing for "since the beginning". */
export const BEGINNING = '1970-01-01';

export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The first day of the period that contains `at`. */
export function periodStart(period: BudgetPeriod, at: Date): string {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  switch (period) {
    case 'day':
      return dayKey(new Date(day));
    case 'week': {
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return dayKey(new Date(day - sinceMonday * MS_PER_DAY));
    }
    case 'month':
      return dayKey(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)));
    case 'total':
      return BEGINNING;
  }
}

export function periodLabel(period: BudgetPeriod): string {
  return { day: 'today', week: 'this week', month: 'this month', total: 'in total' }[period];
}
