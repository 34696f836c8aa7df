/** `groups`: the principal's groups (from the IdP's groups claim, or a key's team), with list matchers. */
import { compileListMatcher } from '../matchers/lists.js';
import { listText } from '../scalars.js';
import type { Criterion } from './criterion.js';

export const groups: Criterion = {
  name: 'groups',
  value: ['list'],
  description: "the principal's groups",
  compile(value, site) {
    const matcher = compileListMatcher(value, site, 'groups');
    return {
      test: (input) => matcher.test(input.principal.groups),
      expected: matcher.text,
      actual: (input) => `principal groups are ${listText(input.principal.groups)}`,
    };
  },
};
