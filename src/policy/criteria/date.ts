/**
 * `date: { after: 2026-01-01, before: 2026-07-01, timezone: Europe/Berlin }`: the local calendar date, `after`
 * inclusive and `before` exclusive. Bounds are ISO dates (`YYYY-MM-DD`).
 */
import { compileTimeWindow } from '../matchers/times.js';
import type { Criterion } from './criterion.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date itself, once checked to be a real calendar day (no 2026-02-30); ISO dates order as text. */
function parseDate(text: string): string | undefined {
  const trimmed = text.trim();
  const match = ISO_DATE.exec(trimmed);
  if (!match) return undefined;
  const date = new Date(`${trimmed}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(trimmed) ? trimmed : undefined;
}

export const date: Criterion = {
  name: 'date',
  value: ['time'],
  description: 'the local calendar date',
  compile(value, site) {
    const window = compileTimeWindow(value, site, 'date', { name: 'a date "YYYY-MM-DD"', parse: parseDate });
    const { after, before, clock } = window;
    return {
      test: (input) => {
        const today = clock(input.request.now).date;
        return (after === undefined || today >= after) && (before === undefined || today < before);
      },
      expected: window.text,
      actual: (input) => `local date is ${clock(input.request.now).date} (${window.timeZone})`,
    };
  },
};
