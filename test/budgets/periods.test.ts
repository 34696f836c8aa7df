import { describe, expect, it } from 'vitest';
import { BudgetCalendar, isDayKey, type BudgetPeriod } from '../../src/budgets/periods.js';

const iso = (ms: number) => new Date(ms).toISOString();

function windowAt(timeZone: string, at: string, period: BudgetPeriod) {
  const window = new BudgetCalendar(timeZone).window(period, new Date(at));
  return { key: window.key, start: iso(window.startMs), end: Number.isFinite(window.endMs) ? iso(window.endMs) : 'never', firstDay: window.firstDay };
}

describe('budget periods', () => {
  it('names and bounds day, week and month in UTC', () => {
    expect(windowAt('UTC', '2026-11-26T15:00:00Z', 'day')).toEqual({ key: '2026-11-26', start: '2026-11-26T00:00:00.000Z', end: '2026-11-27T00:00:00.000Z', firstDay: '2026-11-26' });
    expect(windowAt('UTC', '2026-11-26T15:00:00Z', 'week')).toEqual({ key: '2026-W48', start: '2026-11-23T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z', firstDay: '2026-11-23' });
    expect(windowAt('UTC', '2026-11-26T15:00:00Z', 'month')).toEqual({ key: '2026-11', start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', firstDay: '2026-11-01' });
  });

  it('has one total period that never ends', () => {
    expect(windowAt('Europe/Berlin', '2026-11-26T15:00:00Z', 'total')).toEqual({ key: 'total', start: '1970-01-01T00:00:00.000Z', end: 'never', firstDay: '0000-01-01' });
  });

  it('counts local days in the configured zone, including 23- and 25-hour DST days', () => {
    expect(windowAt('Europe/Berlin', '2026-03-29T12:00:00Z', 'day')).toMatchObject({ key: '2026-03-29', start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z' });
    expect(windowAt('Europe/Berlin', '2026-10-25T12:00:00Z', 'day')).toMatchObject({ key: '2026-10-25', start: '2026-10-24T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z' });
    // 23:30 in New York is already the next day in UTC: the local date wins.
    expect(windowAt('America/New_York', '2026-11-27T04:30:00Z', 'day')).toMatchObject({ key: '2026-11-26', start: '2026-11-26T05:00:00.000Z', end: '2026-11-27T05:00:00.000Z' });
  });

  it('starts a day whose midnight is skipped by DST at the transition (Santiago)', () => {
    // 2026-09-06 00:00 -04 becomes 01:00 -03: the day starts at 04:00Z and lasts 23 hours.
    expect(windowAt('America/Santiago', '2026-09-06T12:00:00Z', 'day')).toMatchObject({ key: '2026-09-06', start: '2026-09-06T04:00:00.000Z', end: '2026-09-07T03:00:00.000Z' });
    expect(windowAt('America/Santiago', '2026-09-05T12:00:00Z', 'day')).toMatchObject({ key: '2026-09-05', end: '2026-09-06T04:00:00.000Z' });
  });

  it('handles half-hour DST (Lord Howe) and half-hour offsets (Kolkata)', () => {
    expect(windowAt('Australia/Lord_Howe', '2026-10-04T06:00:00Z', 'day')).toMatchObject({ key: '2026-10-04', start: '2026-10-03T13:30:00.000Z', end: '2026-10-04T13:00:00.000Z' });
    expect(windowAt('Asia/Kolkata', '2026-11-26T12:00:00Z', 'week')).toMatchObject({ key: '2026-W48', start: '2026-11-22T18:30:00.000Z', end: '2026-11-29T18:30:00.000Z' });
  });

  it('survives a skipped calendar day (Samoa, 2011-12-30)', () => {
    expect(windowAt('Pacific/Apia', '2011-12-29T12:00:00Z', 'day')).toMatchObject({ key: '2011-12-29', start: '2011-12-29T10:00:00.000Z', end: '2011-12-30T10:00:00.000Z' });
    expect(windowAt('Pacific/Apia', '2011-12-30T12:00:00Z', 'day')).toMatchObject({ key: '2011-12-31', start: '2011-12-30T10:00:00.000Z', end: '2011-12-31T10:00:00.000Z' });
  });

  it('numbers ISO weeks in their week-year across year boundaries', () => {
    expect(windowAt('UTC', '2021-01-03T12:00:00Z', 'week').key).toBe('2020-W53');
    expect(windowAt('UTC', '2024-12-30T12:00:00Z', 'week')).toMatchObject({ key: '2025-W01', firstDay: '2024-12-30' });
    expect(windowAt('UTC', '2026-01-01T00:00:00Z', 'week')).toMatchObject({ key: '2026-W01', firstDay: '2025-12-29' });
    // New Year's Eve evening in New York, already 2027 in UTC: week 53 of 2026 and still December.
    expect(windowAt('America/New_York', '2027-01-01T02:00:00Z', 'week')).toEqual({ key: '2026-W53', start: '2026-12-28T05:00:00.000Z', end: '2027-01-04T05:00:00.000Z', firstDay: '2026-12-28' });
    expect(windowAt('America/New_York', '2027-01-01T02:00:00Z', 'month')).toEqual({ key: '2026-12', start: '2026-12-01T05:00:00.000Z', end: '2027-01-01T05:00:00.000Z', firstDay: '2026-12-01' });
  });

  it('starts weeks on Monday in the local zone', () => {
    // Sunday 23:30 in Los Angeles is Monday in UTC; the week is still the one that began six days earlier.
    expect(windowAt('America/Los_Angeles', '2026-11-30T07:30:00Z', 'week')).toMatchObject({ key: '2026-W48', firstDay: '2026-11-23' });
    expect(windowAt('UTC', '2026-11-30T07:30:00Z', 'week')).toMatchObject({ key: '2026-W49', firstDay: '2026-11-30' });
  });

  it('puts every instant in exactly one window, contiguous across a DST year', () => {
    const calendar = new BudgetCalendar('America/New_York');
    for (const period of ['day', 'week', 'month'] as const) {
      let at = Date.parse('2026-01-01T00:00:00Z');
      const stop = Date.parse('2027-01-01T00:00:00Z');
      while (at < stop) {
        const window = calendar.window(period, at);
        expect(window.startMs).toBeLessThanOrEqual(at);
        expect(calendar.window(period, window.endMs - 1).key).toBe(window.key);
        expect(calendar.window(period, window.endMs).key).not.toBe(window.key);
        expect(calendar.window(period, window.endMs).startMs).toBe(window.endMs);
        at = window.endMs;
      }
    }
  });

  it('reuses the cached window inside it and recomputes past its end', () => {
    const calendar = new BudgetCalendar('Europe/Paris');
    const first = calendar.window('day', Date.parse('2026-11-26T10:00:00Z'));
    expect(calendar.window('day', Date.parse('2026-11-26T22:59:59.999Z'))).toBe(first);
    expect(calendar.window('day', Date.parse('2026-11-26T23:00:00Z')).key).toBe('2026-11-27');
    expect(calendar.startOfDay('2026-11-27')).toBe(Date.parse('2026-11-26T23:00:00Z'));
  });

  it('recognises day keys', () => {
    expect(isDayKey('2026-02-28')).toBe(true);
    expect(isDayKey('2026-02-29')).toBe(false);
    expect(isDayKey('2026-2-1')).toBe(false);
    expect(isDayKey('yesterday')).toBe(false);
  });
});
