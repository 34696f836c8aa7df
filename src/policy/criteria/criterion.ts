/**
 * The one small interface every criterion implements (one file each, registered in ./index.ts): its name, the
 * kind of value it takes, and how to compile that value into a test. The test runs on every request and must not
 * allocate; `actual` runs only when a decision is explained.
 */
import type { MatcherFamily } from '../matchers/families.js';
import type { PolicyInput } from '../input.js';
import type { Site } from '../site.js';

/** What a criterion's value is: a matcher object of some families, or a value of its own form. */
export type CriterionValue = readonly MatcherFamily[] | 'boolean' | 'ip_list' | 'day_list';

export interface CompiledCriterion {
  readonly test: (input: PolicyInput) => boolean;
  /** What the rule asks: `has ml-senior`. */
  readonly expected: string;
  /** What the request had, for explanations: `principal groups are [interns]`. */
  readonly actual: (input: PolicyInput) => string;
}

export interface Criterion {
  /** The name as written; for criteria that take a parameter (`claim/<path>`, `header/<name>`) the part before `/`. */
  readonly name: string;
  /** The parameter's meaning when the name takes one (`claim/department`): `path`, `name`. */
  readonly parameter?: string;
  readonly value: CriterionValue;
  /** One line for the reference: what the criterion looks at. */
  readonly description: string;
  /** `parameter` is the text after `/` for criteria that take one, else undefined. */
  compile(value: unknown, site: Site, parameter: string | undefined): CompiledCriterion;
}

/** How a possibly missing value reads in explanations. */
export function shown(value: string | number | undefined): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}
