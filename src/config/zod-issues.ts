/**
 * Turns zod's validation issues into ConfigIssues an operator can act on. Messages the schema sets itself
 * (`unknown provider type "opnai"; expected one of …`) win; `validationMessages` only fills in zod's generic
 * defaults ("Invalid input") with what was expected and what was found.
 *
 * Values are echoed only where they are needed to see the mistake (an enum, a format); a value of the wrong type
 * is described by its type alone, so a secret in the wrong place is not copied into the logs.
 */
import type { z } from 'zod';
import { type ConfigIssue, formatPath } from './errors.js';
import { allowedKeys, type PathSegment } from './schema-shape.js';

type RawIssue = z.core.$ZodRawIssue;

/** A per-parse zod error map: `schema.safeParse(value, { error: validationMessages })`. */
export function validationMessages(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : `expected ${typeName(issue.expected)}, got ${describe(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${quote(issue.values[0])}, got ${quote(issue.input)}`
        : `expected one of ${issue.values.map(quote).join(', ')}; got ${quote(issue.input)}`;
    case 'too_small':
      return `must ${boundText(issue.origin, issue.inclusive ? 'at least' : 'more than', issue.minimum)}`;
    case 'too_big':
      return `must ${boundText(issue.origin, issue.inclusive ? 'at most' : 'less than', issue.maximum)}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? `text matching ${issue.pattern ?? 'the pattern'}` : `a valid ${issue.format}`}, got ${quote(issue.input)}`;
    case 'invalid_union':
      return unionMessage(issue.errors, issue.input);
    case 'invalid_key':
      return `invalid name ${quote(issue.input)}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
    default:
      return undefined;
  }
}

/** Zod issues as ConfigIssues; an unrecognized-keys issue becomes one issue per unknown key. */
export function configIssues(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path.map(toSegment);
    if (issue.code !== 'unrecognized_keys') return [{ path: formatPath(path), message: issue.message }];
    const allowed = allowedKeys(schema, path);
    const hint = allowed ? `; allowed keys: ${allowed.join(', ')}` : '';
    // At the top level the key itself is the most useful place to point at; deeper, the object that holds it.
    if (path.length === 0) return issue.keys.map((key) => ({ path: formatPath([key]), message: `unknown top-level key${hint}` }));
    return issue.keys.map((key) => ({ path: formatPath(path), message: `unknown key ${JSON.stringify(key)}${hint}` }));
  });
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === 'number' ? key : String(key);
}

const TYPE_NAMES: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false' };

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

/** The kind of value found, in YAML terms; never the value itself. */
function describe(input: unknown): string {
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'number') return Number.isInteger(input) ? 'a whole number' : 'a number';
  if (typeof input === 'boolean') return String(input);
  return typeName(typeof input);
}

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function boundText(origin: string, relation: string, bound: number | bigint | Date): string {
  const limit = bound instanceof Date ? bound.toISOString() : String(bound);
  if (origin === 'string') return `be ${relation} ${limit} characters long`;
  if (origin === 'array' || origin === 'set') return `have ${relation} ${limit} items`;
  return `be ${relation} ${limit}`;
}

/** A union of plain types (`string | number`) reads "expected a string or a number"; anything else stays generic. */
function unionMessage(branches: readonly (readonly z.core.$ZodIssue[])[], input: unknown): string {
  const expected = branches.map((branch) => (branch.length === 1 && branch[0]?.code === 'invalid_type' ? branch[0].expected : undefined));
  if (expected.every((name): name is string => name !== undefined)) return `expected ${expected.map(typeName).join(' or ')}, got ${describe(input)}`;
  return `does not match any accepted form (got ${describe(input)})`;
}
