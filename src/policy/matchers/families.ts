/**
 * The one vocabulary of matchers, by family. A criterion says which families it accepts; a matcher object must
 * use the names of one family, so `groups: { is: … }` is refused at compile time rather than never matching.
 */
import { choiceText, describeValue, isMapping, type Mapping } from '../scalars.js';
import type { Site } from '../site.js';

export const MATCHER_FAMILIES = {
  string: ['is', 'starts_with', 'ends_with', 'contains', 'in', 'not_in', 'matches'],
  list: ['has', 'has_any'],
  number: ['lt', 'lte', 'gt', 'gte'],
  time: ['after', 'before', 'timezone'],
} as const;

export type MatcherFamily = keyof typeof MATCHER_FAMILIES;

const FAMILIES = Object.keys(MATCHER_FAMILIES) as MatcherFamily[];

function familyOf(name: string): MatcherFamily | undefined {
  return FAMILIES.find((family) => (MATCHER_FAMILIES[family] as readonly string[]).includes(name));
}

/**
 * Checks a matcher object for `criterion` against the families it accepts and returns the family it uses, or
 * undefined (with an issue at the site) when it is not a usable matcher object.
 */
export function matcherFamily(value: unknown, site: Site, criterion: string, accepted: readonly MatcherFamily[]): { family: MatcherFamily; matchers: Mapping } | undefined {
  const expected = choiceText(accepted.flatMap((family) => MATCHER_FAMILIES[family]));
  if (!isMapping(value)) {
    site.issue(`expected a mapping of matchers (${expected}), got ${describeValue(value)}`);
    return undefined;
  }
  const names = Object.keys(value);
  if (names.length === 0) {
    site.issue(`expected at least one matcher: ${expected}`);
    return undefined;
  }
  const used = new Set<MatcherFamily>();
  for (const name of names) {
    const family = familyOf(name);
    if (family === undefined) site.issue(`unknown matcher "${name}"; expected ${expected}`);
    else if (!accepted.includes(family)) site.issue(`matcher "${name}" does not apply to ${criterion}; expected ${expected}`);
    else used.add(family);
  }
  if (used.size > 1) site.issue(`matchers of different kinds cannot be mixed (${names.join(', ')})`);
  const [family] = used;
  return used.size === 1 && family !== undefined && names.every((name) => familyOf(name) === family) ? { family, matchers: value } : undefined;
}

/** Several matchers in one object must all hold. */
export function allOf<T>(tests: readonly ((value: T) => boolean)[]): (value: T) => boolean {
  if (tests.length === 1) return tests[0]!;
  return (value: T) => {
    for (const test of tests) if (!test(value)) return false;
    return true;
  };
}
