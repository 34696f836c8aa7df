/**
 * `day_of_week`: the local day, as a list (`[mon, tue]`, ranges such as `mon-fri` allowed) or as
 * `{ in: [sat, sun], timezone: Europe/Berlin }`. Names are English, full or three letters, any case.
 */
import { readTimeZone } from '../matchers/times.js';
import { describeValue, isMapping, listText } from '../scalars.js';
import type { Site } from '../site.js';
import { zonedClock } from '../zoned-clock.js';
import type { Criterion } from './criterion.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FULL_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export const dayOfWeek: Criterion = {
  name: 'day_of_week',
  value: 'day_list',
  description: 'the local day of the week',
  compile(value, site) {
    const form = isMapping(value) ? value : { in: value };
    for (const key of Object.keys(form)) if (key !== 'in' && key !== 'timezone') site.issue(`unknown key "${key}"; expected in and timezone`);
    const timeZone = readTimeZone(form.timezone, site.at('timezone'));
    const days = readDays(form.in, isMapping(value) ? site.at('in') : site);
    const clock = zonedClock(timeZone);
    return {
      test: (input) => days[clock(input.request.now).weekday] === true,
      expected: `in ${listText(DAYS.filter((_, i) => days[i]))} (${timeZone})`,
      actual: (input) => `local day is ${DAYS[clock(input.request.now).weekday]} (${timeZone})`,
    };
  },
};

/** A seven-slot table, Sunday first: is the day allowed? */
function readDays(value: unknown, site: Site): boolean[] {
  const days = Array<boolean>(7).fill(false);
  const entries: unknown[] = Array.isArray(value) ? value : [value];
  if (entries.length === 0) site.issue('expected at least one day');
  entries.forEach((entry, i) => {
    const at = Array.isArray(value) ? site.at(i) : site;
    const range = typeof entry === 'string' ? entry.toLowerCase().split('-').map(dayIndex) : [];
    const [first, last = first] = range;
    if (range.length === 0 || range.length > 2 || first === undefined || last === undefined || range.includes(undefined)) {
      at.issue(`bad day ${describeValue(entry)}; expected a day such as mon or monday, or a range such as mon-fri`);
      return;
    }
    // A range may wrap the week end: fri-mon is fri, sat, sun, mon.
    for (let day = first; ; day = (day + 1) % 7) {
      days[day] = true;
      if (day === last) break;
    }
  });
  return days;
}

function dayIndex(name: string): number | undefined {
  const trimmed = name.trim();
  const index = Math.max(DAYS.indexOf(trimmed), FULL_NAMES.indexOf(trimmed));
  return index < 0 ? undefined : index;
}
