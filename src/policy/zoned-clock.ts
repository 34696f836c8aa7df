/**
 * Local wall-clock time in an IANA time zone, for `time_of_day`, `day_of_week` and `date`. Formatters are built
 * once per zone and shared by every criterion using it; each remembers the last minute it was asked about, so all
 * the rules of one evaluation (and every request in the same minute) share one conversion.
 */
import { rememberLast } from './last-value.js';

export interface ZonedTime {
  /** 0 … 1439. */
  readonly minuteOfDay: number;
  /** 0 = Sunday … 6 = Saturday, as Date.getDay(). */
  readonly weekday: number;
  /** `YYYY-MM-DD`, which orders as text in date order. */
  readonly date: string;
}

export type ZonedClock = (now: Date) => ZonedTime;

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const MS_PER_MINUTE = 60_000;

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const clocks = new Map<string, (minute: number) => ZonedTime>();

/** The clock of a zone already checked with isTimeZone. */
export function zonedClock(timeZone: string): ZonedClock {
  let byMinute = clocks.get(timeZone);
  if (byMinute === undefined) {
    byMinute = rememberLast(timeZone === 'UTC' ? utcTime : zoneTime(timeZone));
    clocks.set(timeZone, byMinute);
  }
  const cached = byMinute;
  return (now) => cached(Math.floor(now.getTime() / MS_PER_MINUTE));
}

function utcTime(minute: number): ZonedTime {
  const date = new Date(minute * MS_PER_MINUTE);
  return { minuteOfDay: date.getUTCHours() * 60 + date.getUTCMinutes(), weekday: date.getUTCDay(), date: date.toISOString().slice(0, 10) };
}

function zoneTime(timeZone: string): (minute: number) => ZonedTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (minute) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(new Date(minute * MS_PER_MINUTE))) parts[part.type] = part.value;
    return {
      minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
      weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
      date: `${parts.year}-${parts.month}-${parts.day}`,
    };
  };
}
