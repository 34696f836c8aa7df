/** Time criteria across time zones: local time, day and date change with the zone, windows wrap midnight, DST shifts. */
import { describe, expect, it } from 'vitest';
import { holds } from './inputs.js';

const at = (iso: string) => ({ request: { now: new Date(iso) } });

describe('time_of_day', () => {
  const office = { time_of_day: { after: '09:00', before: '17:00', timezone: 'America/New_York' } };
  it.each([
    ['2026-01-05T14:00:00Z', true], // 09:00 EST: after is inclusive
    ['2026-01-05T13:59:00Z', false],
    ['2026-01-05T22:00:00Z', false], // 17:00 EST: before is exclusive
    ['2026-07-06T13:00:00Z', true], // 09:00 EDT, after the DST shift
    ['2026-07-06T21:00:00Z', false], // 17:00 EDT
  ])('office hours in New York at %s: %s', (iso, expected) => expect(holds(office, at(iso))).toBe(expected));

  const night = { time_of_day: { after: '22:00', before: '06:00', timezone: 'Asia/Tokyo' } };
  it.each([
    ['2026-01-05T13:00:00Z', true], // 22:00 JST
    ['2026-01-05T20:59:00Z', true], // 05:59 JST next day
    ['2026-01-05T21:00:00Z', false], // 06:00 JST
    ['2026-01-05T03:00:00Z', false], // 12:00 JST
  ])('a window past midnight in Tokyo at %s: %s', (iso, expected) => expect(holds(night, at(iso))).toBe(expected));

  it('takes a lone bound, and UTC by default', () => {
    expect(holds({ time_of_day: { after: '23:30' } }, at('2026-01-05T23:45:00Z'))).toBe(true);
    expect(holds({ time_of_day: { before: '00:30' } }, at('2026-01-05T23:45:00Z'))).toBe(false);
  });
});

describe('day_of_week', () => {
  it('reads the day in the zone: Sunday evening in Los Angeles is Monday in UTC', () => {
    const monday = '2026-01-05T03:00:00Z';
    expect(holds({ day_of_week: ['mon'] }, at(monday))).toBe(true);
    expect(holds({ day_of_week: { in: ['sun'], timezone: 'America/Los_Angeles' } }, at(monday))).toBe(true);
    expect(holds({ day_of_week: { in: ['mon'], timezone: 'America/Los_Angeles' } }, at(monday))).toBe(false);
  });

  it('takes ranges that wrap the weekend', () => {
    expect(holds({ day_of_week: ['fri-mon'] }, at('2026-01-04T12:00:00Z'))).toBe(true); // Sunday
    expect(holds({ day_of_week: ['fri-mon'] }, at('2026-01-07T12:00:00Z'))).toBe(false); // Wednesday
    expect(holds({ day_of_week: 'Monday' }, at('2026-01-05T12:00:00Z'))).toBe(true);
  });
});

describe('date', () => {
  it('reads the date in the zone, after inclusive and before exclusive', () => {
    const newYear = { date: { after: '2026-01-01', timezone: 'Pacific/Auckland' } };
    expect(holds(newYear, at('2025-12-31T11:00:00Z'))).toBe(true); // already 1 January in Auckland
    expect(holds(newYear, at('2025-12-31T10:59:00Z'))).toBe(false);
    expect(holds({ date: { before: '2026-01-01' } }, at('2025-12-31T23:59:00Z'))).toBe(true);
    expect(holds({ date: { before: '2026-01-01' } }, at('2026-01-01T00:00:00Z'))).toBe(false);
  });
});
