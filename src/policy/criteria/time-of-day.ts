/**
 * `time_of_day: { after: "09:00", before: "18:00", timezone: Europe/Berlin }`: local wall-clock time, `after`
 * inclusive and `before` exclusive. A window whose `after` is later than its `before` wraps past midnight
 * (`after: "22:00", before: "06:00"` is the night shift).
 */
import { compileTimeWindow } from '../matchers/times.js';
import type { Criterion } from './criterion.js';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseMinutes(text: string): number | undefined {
  const match = HH_MM.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

export const timeOfDay: Criterion = {
  name: 'time_of_day',
  value: ['time'],
  description: 'the local time of day',
  compile(value, site) {
    const window = compileTimeWindow(value, site, 'time_of_day', { name: 'a time "HH:MM"', parse: parseMinutes });
    const { after, before, clock } = window;
    const wraps = after !== undefined && before !== undefined && after > before;
    return {
      test: (input) => {
        const minute = clock(input.request.now).minuteOfDay;
        const afterOk = after === undefined || minute >= after;
        const beforeOk = before === undefined || minute < before;
        return wraps ? afterOk || beforeOk : afterOk && beforeOk;
      },
      expected: window.text,
      actual: (input) => `local time is ${hhmm(clock(input.request.now).minuteOfDay)} (${window.timeZone})`,
    };
  },
};

function hhmm(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}
