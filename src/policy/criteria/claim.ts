/**
 * `claim/<path>`: any identity claim, by name or dotted path. String matchers apply to a scalar claim (and to a
 * list claim when any item matches), list matchers to a list claim (a scalar counts as a list of one), number
 * matchers to a numeric claim.
 */
import { claimList, claimReader, claimText } from '../claims.js';
import { matcherFamily } from '../matchers/families.js';
import { compileListMatcher } from '../matchers/lists.js';
import { compileNumberMatcher } from '../matchers/numbers.js';
import { compileStringMatcher } from '../matchers/strings.js';
import { isMapping } from '../scalars.js';
import type { Site } from '../site.js';
import type { CompiledCriterion, Criterion } from './criterion.js';

export const claim: Criterion = {
  name: 'claim',
  parameter: 'path',
  value: ['string', 'list', 'number'],
  description: 'an identity claim, by name or dotted path into nested claims',
  compile(value, site, path) {
    if (path === undefined || path === '') {
      site.issue('claim needs a claim name: claim/<name>, such as claim/department');
      return { test: () => false, expected: '', actual: () => '' };
    }
    const read = claimReader(path);
    const test = claimTest(value, site, `claim/${path}`, read);
    return {
      test: test.test,
      expected: test.expected,
      actual: (input) => `claim ${path} is ${JSON.stringify(read(input.principal.claims)) ?? '(none)'}`,
    };
  },
};

function claimTest(value: unknown, site: Site, name: string, read: ReturnType<typeof claimReader>): Omit<CompiledCriterion, 'actual'> {
  const family = isMapping(value) ? matcherFamily(value, site, name, ['string', 'list', 'number'])?.family : 'string';
  if (family === 'list') {
    const matcher = compileListMatcher(value, site, name);
    return { test: (input) => matcher.test(claimList(read(input.principal.claims))), expected: matcher.text };
  }
  if (family === 'number') {
    const matcher = compileNumberMatcher(value, site, name);
    return { test: (input) => matcher.test(numeric(read(input.principal.claims))), expected: matcher.text };
  }
  if (family === undefined) return { test: () => false, expected: '' }; // the issue is reported already
  const matcher = compileStringMatcher(value, site, name);
  return {
    test: (input) => {
      const claimed = read(input.principal.claims);
      return Array.isArray(claimed) ? claimList(claimed).some(matcher.test) : matcher.test(claimText(claimed));
    },
    expected: matcher.text,
  };
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
}
