/** and, or, not (none of), nor (not all of), nested, and the condition shorthands. */
import { describe, expect, it } from 'vitest';
import { holds } from './inputs.js';

const A = { groups: { has: 'a' } };
const B = { groups: { has: 'b' } };

/** Principal groups for each truth assignment of A and B. */
const ASSIGNMENTS: [boolean, boolean, string[]][] = [
  [false, false, []],
  [true, false, ['a']],
  [false, true, ['b']],
  [true, true, ['a', 'b']],
];

const TRUTH: Record<string, (a: boolean, b: boolean) => boolean> = {
  and: (a, b) => a && b,
  or: (a, b) => a || b,
  not: (a, b) => !a && !b,
  nor: (a, b) => !a || !b,
};

describe('operators', () => {
  for (const [operator, truth] of Object.entries(TRUTH)) {
    for (const [a, b, groups] of ASSIGNMENTS) {
      it(`${operator} with A=${a}, B=${b} is ${truth(a, b)}`, () => {
        expect(holds({ [operator]: [A, B] }, { principal: { groups } })).toBe(truth(a, b));
      });
    }
    it(`${operator} of one condition`, () => {
      expect(holds({ [operator]: [A] }, { principal: { groups: ['a'] } })).toBe(operator === 'and' || operator === 'or');
    });
    it(`${operator} of three conditions`, () => {
      const C = { email: { ends_with: '@example.com' } };
      const all = holds({ [operator]: [A, B, C] }, { principal: { groups: ['a', 'b'] } });
      expect(all).toBe(operator === 'and' || operator === 'or');
    });
  }

  it('nests freely', () => {
    const condition = { or: [{ and: [A, { not: [B] }] }, { nor: [{ email: { ends_with: '@example.com' } }, { or: [B] }] }] };
    expect(holds(condition, { principal: { groups: ['a'] } })).toBe(true); // A and not B
    expect(holds(condition, { principal: { groups: ['b'] } })).toBe(false); // the nor's email and B both hold
    expect(holds(condition, { principal: { groups: ['b'], email: 'bob@example.org' } })).toBe(true); // not all of them do
    expect(holds(condition, { principal: { groups: ['a', 'b'] } })).toBe(false);
    expect(holds({ and: [{ not: [{ or: [A, B] }] }, { nor: [A] }] }, { principal: { groups: [] } })).toBe(true);
    expect(holds({ and: [{ not: [{ or: [A, B] }] }, { nor: [A] }] }, { principal: { groups: ['b'] } })).toBe(false);
  });

  it('ands the keys of one mapping, and the items of a bare list', () => {
    expect(holds({ groups: { has: 'a' }, email: { is: 'alice@example.com' } }, { principal: { groups: ['a'] } })).toBe(true);
    expect(holds({ groups: { has: 'a' }, email: { is: 'bob@example.com' } }, { principal: { groups: ['a'] } })).toBe(false);
    expect(holds({ and: [A], or: [B] }, { principal: { groups: ['a'] } })).toBe(false);
  });
});
