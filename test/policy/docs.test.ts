/** docs/policy.md documents every criterion, matcher, operator and obligation, and its examples are valid policy. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { CRITERION_NAMES } from '../../src/policy/criteria/index.js';
import { OPERATORS } from '../../src/policy/conditions.js';
import { MATCHER_FAMILIES } from '../../src/policy/matchers/families.js';
import { OBLIGATION_KEYS } from '../../src/policy/obligations-compile.js';

const doc = readFileSync(new URL('../../docs/policy.md', import.meta.url), 'utf8');

describe('docs/policy.md', () => {
  it('has a reference row for every criterion, matcher, operator and obligation', () => {
    const names = [...CRITERION_NAMES, ...OPERATORS, ...OBLIGATION_KEYS, ...Object.values(MATCHER_FAMILIES).flat().filter((name) => name !== 'timezone')];
    const rows = doc.split('\n').filter((line) => line.startsWith('|'));
    expect(names.filter((name) => !rows.some((row) => row.includes(`\`${name}\``)))).toEqual([]);
  });

  it('holds only examples that are valid configurations', () => {
    const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    expect(examples.length).toBeGreaterThan(3);
    for (const example of examples) expect(() => parseConfig(example, {})).not.toThrow();
  });
});
