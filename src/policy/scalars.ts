/**
 * Reading plain values out of policy YAML, reporting what was wrong at the site. A value taken from the
 * environment (`usd: ${BUDGET}`) arrives as text, so numbers and booleans written as text are accepted too.
 */
import type { Site } from './site.js';

export type Mapping = Readonly<Record<string, unknown>>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kind of value found, in YAML terms. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

/** A string; numbers and booleans are taken as their text (`claim/level: { is: 3 }`). */
export function readString(value: unknown, site: Site): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  site.issue(`expected a string, got ${describeValue(value)}`);
  return undefined;
}

export function readStringList(value: unknown, site: Site): string[] {
  if (!Array.isArray(value)) {
    site.issue(`expected a list, got ${describeValue(value)}`);
    return [];
  }
  const items: unknown[] = value;
  return items.map((item, i) => readString(item, site.at(i))).filter((item): item is string => item !== undefined);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function readNumber(value: unknown, site: Site): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMBER.test(value.trim())) return Number(value);
  site.issue(`expected a number, got ${describeValue(value)}`);
  return undefined;
}

export function readBoolean(value: unknown, site: Site): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  site.issue(`expected true or false, got ${describeValue(value)}`);
  return undefined;
}

/** `has or has_any`, `one of is, in, matches`. */
export function choiceText(names: readonly string[]): string {
  if (names.length === 1) return names[0] ?? '';
  if (names.length === 2) return `${names[0]} or ${names[1]}`;
  return `one of ${names.join(', ')}`;
}

/** How a list reads in explanations: `[legal, hr]`. */
export function listText(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}
