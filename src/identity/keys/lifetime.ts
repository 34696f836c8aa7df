/** Key lifetimes as the API takes them: a duration string ("30d", "8h", "90m") or a number of seconds. */
import { parseDuration } from '../../config/units.js';

/** A duration with an explicit unit: a bare "30" is ambiguous (seconds? days?) and so refused. */
const WITH_UNIT = /^\s*\d+(?:\.\d+)?\s*(ms|s|m|h|d)\s*$/i;

/** Milliseconds, or undefined when the value is not a positive duration. */
export function parseLifetime(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  if (!WITH_UNIT.test(value)) return undefined;
  const ms = parseDuration(value);
  return ms !== undefined && ms > 0 ? ms : undefined;
}
