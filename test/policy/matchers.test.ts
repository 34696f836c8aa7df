/** The shared matcher vocabulary, each matcher with matching and non-matching values. */
import { describe, expect, it } from 'vitest';
import { compileListMatcher } from '../../src/policy/matchers/lists.js';
import { compileNumberMatcher } from '../../src/policy/matchers/numbers.js';
import { compileStringMatcher } from '../../src/policy/matchers/strings.js';
import type { PolicyIssue } from '../../src/policy/policy-error.js';
import { Site } from '../../src/policy/site.js';

function site(): { site: Site; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  return { site: Site.root(issues, 0, 'r').at('allow', 'x'), issues };
}

const STRINGS: [Record<string, unknown> | string, string, string | undefined][] = [
  [{ is: 'abc' }, 'abc', 'abcd'],
  ['abc', 'abc', 'ab'],
  [{ starts_with: 'ab' }, 'abc', 'cab'],
  [{ ends_with: 'bc' }, 'abc', 'bca'],
  [{ contains: 'b' }, 'abc', 'xyz'],
  [{ in: ['a', 'b'] }, 'b', 'c'],
  [{ not_in: ['a', 'b'] }, 'c', 'a'],
  [{ not_in: ['a'] }, 'c', undefined],
  [{ matches: '^a.c$' }, 'abc', 'abcd'],
  [{ starts_with: 'a', ends_with: 'c' }, 'abc', 'abd'],
  [{ is: 42 }, '42', '41'],
];

describe('string matchers', () => {
  for (const [matcher, good, bad] of STRINGS) {
    it(`${JSON.stringify(matcher)} matches ${good} and not ${String(bad)}`, () => {
      const { site: at, issues } = site();
      const compiled = compileStringMatcher(matcher, at, 'x');
      expect(issues).toEqual([]);
      expect(compiled.test(good)).toBe(true);
      expect(compiled.test(bad)).toBe(false);
    });
  }

  it('folds case for literals and regexes when asked', () => {
    const { site: at } = site();
    expect(compileStringMatcher({ in: ['Example.COM'] }, at, 'domain', { foldCase: true }).test('example.com')).toBe(true);
    expect(compileStringMatcher({ matches: 'EXAMPLE' }, at, 'domain', { foldCase: true }).test('example.com')).toBe(true);
  });

  it('describes itself for explanations', () => {
    expect(compileStringMatcher({ is: 'a', not_in: ['b', 'c'] }, site().site, 'x').text).toBe('is a and not_in [b, c]');
  });

  it('refuses values outside a known set', () => {
    const { site: at, issues } = site();
    compileStringMatcher({ in: ['chat', 'chats'] }, at, 'endpoint', { known: ['chat', 'messages'] });
    expect(issues.map((issue) => issue.message)).toEqual(['unknown value "chats"; expected one of chat, messages']);
    expect(issues[0]?.path).toEqual([0, 'allow', 'x', 'in']);
  });
});

describe('list matchers', () => {
  const cases: [Record<string, unknown> | string, string[], string[]][] = [
    [{ has: 'a' }, ['a', 'b'], ['b']],
    ['a', ['a'], []],
    [{ has_any: ['a', 'c'] }, ['c'], ['b']],
    [{ has: 'a', has_any: ['b', 'c'] }, ['a', 'c'], ['a']],
  ];
  for (const [matcher, good, bad] of cases) {
    it(`${JSON.stringify(matcher)} matches [${good}] and not [${bad}]`, () => {
      const compiled = compileListMatcher(matcher, site().site, 'groups');
      expect(compiled.test(good)).toBe(true);
      expect(compiled.test(bad)).toBe(false);
    });
  }
});

describe('number matchers', () => {
  const cases: [Record<string, unknown>, number, number | undefined][] = [
    [{ lt: 10 }, 9, 10],
    [{ lte: 10 }, 10, 11],
    [{ gt: 10 }, 11, 10],
    [{ gte: 10 }, 10, 9],
    [{ gte: 10, lt: 20 }, 15, 20],
    [{ gt: '5' }, 6, undefined],
  ];
  for (const [matcher, good, bad] of cases) {
    it(`${JSON.stringify(matcher)} matches ${good} and not ${String(bad)}`, () => {
      const compiled = compileNumberMatcher(matcher, site().site, 'max_tokens');
      expect(compiled.test(good)).toBe(true);
      expect(compiled.test(bad)).toBe(false);
    });
  }
});
