/**
 * `${VAR}` interpolation over a parsed YAML tree.
 *
 * It runs on parsed values, never on the raw text, so a variable whose value holds YAML syntax (`: `, `#`, quotes,
 * a newline) is inserted as plain characters and cannot change the file's structure. Only string values are
 * interpolated; mapping keys, numbers and booleans are left as written.
 *
 * - `${NAME}` is the variable's value (an empty value counts as set); an unset variable is an error.
 * - `${NAME:-default}` is the value, or `default` when the variable is unset or empty (as in a POSIX shell).
 *   The default is literal text: it cannot contain `}` or another reference.
 * - `$${` is a literal `${`, so `$${NAME}` yields the text `${NAME}`. Any other `$` is literal.
 *
 * YAML forbids `{` and `}` in unquoted values inside flow collections, so `{ api_key: ${KEY} }` would not parse.
 * `shieldReferences` runs on the raw text before parsing and swaps the braces of each complete reference for
 * stand-ins YAML treats as ordinary characters; `interpolate` swaps them back. Nothing else in the text changes
 * (not even its length, so syntax-error positions stay right), and no value is substituted before parsing.
 */
import type { PathSegment } from './schema-shape.js';

export interface InterpolationIssue {
  path: PathSegment[];
  message: string;
}

/**
 * Called for a value that is one reference and nothing else (`port: ${PORT}`), with the substituted text;
 * returns the value to use instead. This is where the loader turns "3" into 3 where the schema wants a number.
 */
export type WholeValueCoercion = (path: readonly PathSegment[], text: string) => unknown;

export interface InterpolationResult {
  value: unknown;
  /** Every problem found, in document order; empty when interpolation succeeded. */
  issues: InterpolationIssue[];
}

interface Context {
  env: NodeJS.ProcessEnv;
  coerce: WholeValueCoercion;
  issues: InterpolationIssue[];
}

/** Stand-ins for a reference's braces: Unicode noncharacters, reserved for internal use and never found in real text. */
const OPEN = '\uFDD0';
const CLOSE = '\uFDD1';
const RAW_REFERENCE = /\$\{[^}\n]*\}/g;
const SHIELDED = /[\uFDD0\uFDD1]/g;

export function shieldReferences(text: string): string {
  return text.replace(RAW_REFERENCE, (reference) => `$${OPEN}${reference.slice(2, -1)}${CLOSE}`);
}

export function unshieldReferences(text: string): string {
  return text.replace(SHIELDED, (char) => (char === OPEN ? '{' : '}'));
}

/** `$${` (an escape) or `${…}`; the second group is empty when the closing brace is missing. */
const REFERENCE = /\$\$\{|\$\{([^}]*)(\}?)/g;
const WHOLE_REFERENCE = /^\$\{[^}]*\}$/;
const BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export function interpolate(tree: unknown, env: NodeJS.ProcessEnv, coerce: WholeValueCoercion = (_path, text) => text): InterpolationResult {
  const context: Context = { env, coerce, issues: [] };
  const value = walk(tree, [], context);
  return { value, issues: context.issues };
}

function walk(value: unknown, path: PathSegment[], context: Context): unknown {
  if (typeof value === 'string') return interpolateString(unshieldReferences(value), path, context);
  if (Array.isArray(value)) return value.map((item: unknown, index) => walk(item, [...path, index], context));
  if (isPlainObject(value)) {
    // Object.fromEntries defines own properties, so a "__proto__" key stays a key (and the schema rejects it).
    return Object.fromEntries(
      Object.entries(value).map(([rawKey, item]) => {
        const key = unshieldReferences(rawKey);
        return [key, walk(item, [...path, key], context)];
      }),
    );
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function interpolateString(text: string, path: PathSegment[], context: Context): unknown {
  if (!text.includes('${')) return text;
  const issuesBefore = context.issues.length;
  const result = text.replace(REFERENCE, (match: string, body: string | undefined, close: string | undefined) => {
    if (body === undefined) return '${';
    if (close === '') {
      context.issues.push({ path, message: `unterminated reference "${match}": expected a closing "}"` });
      return match;
    }
    return resolve(body, path, context);
  });
  const failed = context.issues.length > issuesBefore;
  return !failed && WHOLE_REFERENCE.test(text) ? context.coerce(path, result) : result;
}

function resolve(body: string, path: PathSegment[], context: Context): string {
  const match = BODY.exec(body);
  if (!match) {
    context.issues.push({ path, message: `invalid reference "\${${body}}": expected \${NAME} or \${NAME:-default}` });
    return '';
  }
  const name = match[1] ?? '';
  const fallback = match[2];
  const value = context.env[name];
  if (fallback === undefined) {
    if (value !== undefined) return value;
    context.issues.push({ path, message: `environment variable ${name} is not set` });
    return '';
  }
  if (fallback.includes('${')) {
    context.issues.push({ path, message: `the default of \${${name}:-…} cannot contain another reference` });
    return '';
  }
  return value === undefined || value === '' ? fallback : value;
}
