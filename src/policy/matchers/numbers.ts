/** Number matchers: `lt`, `lte`, `gt`, `gte`, all of which must hold (`{ gte: 1000, lt: 8000 }` is a range). A missing number matches nothing. */
import { readNumber } from '../scalars.js';
import type { Site } from '../site.js';
import { allOf, matcherFamily } from './families.js';

export interface NumberMatch {
  readonly test: (value: number | undefined) => boolean;
  readonly text: string;
}

const COMPARE: Readonly<Record<string, (value: number, bound: number) => boolean>> = {
  lt: (value, bound) => value < bound,
  lte: (value, bound) => value <= bound,
  gt: (value, bound) => value > bound,
  gte: (value, bound) => value >= bound,
};

export function compileNumberMatcher(value: unknown, site: Site, criterion: string): NumberMatch {
  const matchers = matcherFamily(value, site, criterion, ['number'])?.matchers ?? {};
  const tests: ((value: number) => boolean)[] = [];
  const texts: string[] = [];
  for (const [name, operand] of Object.entries(matchers)) {
    const bound = readNumber(operand, site.at(name));
    const compare = COMPARE[name];
    if (bound === undefined || compare === undefined) continue;
    tests.push((n) => compare(n, bound));
    texts.push(`${name} ${bound}`);
  }
  const all = tests.length === 0 ? () => false : allOf(tests);
  return { test: (n) => n !== undefined && all(n), text: texts.join(' and ') };
}
