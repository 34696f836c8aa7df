/** List matchers over a list of strings (groups, model tags, list claims): `has` one value, `has_any` of several. A bare string is shorthand for `has`. */
import { isMapping, listText, readString, readStringList } from '../scalars.js';
import type { Site } from '../site.js';
import { allOf, matcherFamily } from './families.js';

export interface ListMatch {
  readonly test: (values: readonly string[]) => boolean;
  readonly text: string;
}

type Test = (values: readonly string[]) => boolean;

export function compileListMatcher(value: unknown, site: Site, criterion: string): ListMatch {
  const matchers = isMapping(value) ? matcherFamily(value, site, criterion, ['list'])?.matchers : { has: value };
  const tests: Test[] = [];
  const texts: string[] = [];
  for (const [name, operand] of Object.entries(matchers ?? {})) {
    const at = isMapping(value) ? site.at(name) : site;
    if (name === 'has') {
      const wanted = readString(operand, at);
      if (wanted === undefined) continue;
      tests.push((values) => values.includes(wanted));
      texts.push(`has ${wanted}`);
    } else {
      const wanted = readStringList(operand, at);
      tests.push((values) => values.some((item) => wanted.includes(item)));
      texts.push(`has_any ${listText(wanted)}`);
    }
  }
  return { test: tests.length === 0 ? () => false : allOf(tests), text: texts.join(' and ') };
}
