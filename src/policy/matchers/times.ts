/**
 * Time matchers: `after` (inclusive) and `before` (exclusive), read in `timezone` (an IANA name, default UTC).
 * Each time criterion says how its bounds are written (`HH:MM`, `YYYY-MM-DD`) and projects the zoned time onto
 * the same scale; the window test itself is the criterion's (time of day wraps past midnight, dates do not).
 */
import { describeValue, readString } from '../scalars.js';
import type { Site } from '../site.js';
import { isTimeZone, zonedClock, type ZonedClock } from '../zoned-clock.js';
import { matcherFamily } from './families.js';

export interface TimeWindow<T> {
  readonly after: T | undefined;
  readonly before: T | undefined;
  readonly timeZone: string;
  readonly clock: ZonedClock;
  readonly text: string;
}

export interface BoundFormat<T> {
  /** How a bound is written, for errors: `"HH:MM"`. */
  readonly name: string;
  parse(text: string): T | undefined;
}

export function compileTimeWindow<T>(value: unknown, site: Site, criterion: string, format: BoundFormat<T>): TimeWindow<T> {
  const matchers = matcherFamily(value, site, criterion, ['time'])?.matchers ?? {};
  const after = bound(matchers.after, site.at('after'), format);
  const before = bound(matchers.before, site.at('before'), format);
  if (matchers.after === undefined && matchers.before === undefined) site.issue('expected after, before or both');
  const timeZone = readTimeZone(matchers.timezone, site.at('timezone'));
  const texts = [matchers.after !== undefined && `after ${String(matchers.after)}`, matchers.before !== undefined && `before ${String(matchers.before)}`];
  const text = `${texts.filter(Boolean).join(' and ')} (${timeZone})`;
  return { after, before, timeZone, clock: zonedClock(timeZone), text };
}

function bound<T>(value: unknown, site: Site, format: BoundFormat<T>): T | undefined {
  if (value === undefined) return undefined;
  const text = readString(value, site);
  if (text === undefined) return undefined;
  const parsed = format.parse(text);
  if (parsed === undefined) site.issue(`expected ${format.name}, got ${describeValue(value)}`);
  return parsed;
}

/** An IANA zone name, checked against the runtime's time zone database. */
export function readTimeZone(value: unknown, site: Site): string {
  if (value === undefined) return 'UTC';
  const name = readString(value, site);
  if (name === undefined) return 'UTC';
  if (!isTimeZone(name)) {
    site.issue(`unknown timezone "${name}"; expected an IANA name such as Europe/Berlin or UTC`);
    return 'UTC';
  }
  return name;
}
