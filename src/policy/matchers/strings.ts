/**
 * String matchers: `is`, `starts_with`, `ends_with`, `contains`, `in`, `not_in`, `matches` (a regular expression,
 * compiled once, unanchored). A bare value is shorthand for `is`. A missing value (no email, no such header)
 * matches nothing, not even `not_in`: to require absence, wrap the criterion in `not`.
 */
import { describeValue, isMapping, listText, readString, readStringList } from '../scalars.js';
import type { Site } from '../site.js';
import { allOf, matcherFamily } from './families.js';

export interface StringMatch {
  readonly test: (value: string | undefined) => boolean;
  /** What the rule asks, for explanations: `is example.com and not_in [a, b]`. */
  readonly text: string;
}

export interface StringMatchOptions {
  /** The only values that can ever occur (HTTP methods, endpoints): literals outside the set are refused. */
  known?: readonly string[];
  /** Compare without regard to case (emails, domains): literals are lower-cased, regexes get the `i` flag. */
  foldCase?: boolean;
}

type Test = (value: string) => boolean;

export function compileStringMatcher(value: unknown, site: Site, criterion: string, options: StringMatchOptions = {}): StringMatch {
  const matchers = isMapping(value) ? matcherFamily(value, site, criterion, ['string'])?.matchers : { is: value };
  const tests: Test[] = [];
  const texts: string[] = [];
  for (const [name, operand] of Object.entries(matchers ?? {})) {
    const compiled = compileOne(name, operand, isMapping(value) ? site.at(name) : site, options);
    if (compiled === undefined) continue;
    tests.push(compiled);
    texts.push(`${name} ${Array.isArray(operand) ? listText(operand.map(String)) : String(operand)}`);
  }
  const all = tests.length === 0 ? () => false : allOf(tests);
  return { test: (text) => text !== undefined && all(text), text: texts.join(' and ') };
}

function compileOne(name: string, operand: unknown, site: Site, options: StringMatchOptions): Test | undefined {
  if (name === 'matches') return compileRegex(operand, site, options);
  if (name === 'in' || name === 'not_in') {
    const values = new Set(readStringList(operand, site).map((item) => literal(item, site, options)));
    return name === 'in' ? (text) => values.has(text) : (text) => !values.has(text);
  }
  const raw = readString(operand, site);
  if (raw === undefined) return undefined;
  const text = name === 'is' ? literal(raw, site, options) : options.foldCase ? raw.toLowerCase() : raw;
  switch (name) {
    case 'is': return (value) => value === text;
    case 'starts_with': return (value) => value.startsWith(text);
    case 'ends_with': return (value) => value.endsWith(text);
    default: return (value) => value.includes(text); // contains: matcherFamily admits no other name
  }
}

function literal(value: string, site: Site, options: StringMatchOptions): string {
  const text = options.foldCase ? value.toLowerCase() : value;
  if (options.known && !options.known.includes(text)) site.issue(`unknown value "${value}"; expected one of ${options.known.join(', ')}`);
  return text;
}

function compileRegex(operand: unknown, site: Site, options: StringMatchOptions): Test | undefined {
  if (typeof operand !== 'string') {
    site.issue(`expected a regular expression, got ${describeValue(operand)}`);
    return undefined;
  }
  try {
    const regex = new RegExp(operand, options.foldCase ? 'iu' : 'u');
    return (value) => regex.test(value);
  } catch (error) {
    site.issue(`bad regular expression ${JSON.stringify(operand)}: ${(error as Error).message}`);
    return undefined;
  }
}
