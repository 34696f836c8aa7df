/**
 * Conditions: criteria combined with `and`, `or`, `not` (none of) and `nor` (not all of), nested freely, as in
 * Pomerium. A condition is a mapping whose keys are operators or criteria (all must hold), or a list of such
 * mappings (all must hold). Each node compiles to a closure for evaluation and keeps its shape for explanations.
 */
import { CRITERION_NAMES, criterionFor } from './criteria/index.js';
import type { CompiledCriterion } from './criteria/criterion.js';
import type { PolicyInput } from './input.js';
import { describeValue, isMapping } from './scalars.js';
import type { Site } from './site.js';

export const OPERATORS = ['and', 'or', 'not', 'nor'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Test = (input: PolicyInput) => boolean;

export type ConditionNode =
  | { readonly kind: 'criterion'; readonly path: string; readonly name: string; readonly criterion: CompiledCriterion; readonly test: Test }
  | { readonly kind: Operator; readonly path: string; readonly children: readonly ConditionNode[]; readonly test: Test };

const NEVER: Test = () => false;

/** The condition of a rule (`allow`, `deny` or `when`): a mapping, or a list meaning all of its items. */
export function compileCondition(value: unknown, site: Site): ConditionNode {
  if (Array.isArray(value)) return operatorNode('and', value, site, site.local);
  if (!isMapping(value)) {
    site.issue(`expected a condition (a mapping of operators or criteria, or a list of them), got ${describeValue(value)}`);
    return { kind: 'and', path: site.local, children: [], test: NEVER };
  }
  const children = Object.entries(value).map(([key, item]) => compileKey(key, item, site.at(key)));
  if (children.length === 0) site.issue('expected at least one operator or criterion');
  return children.length === 1 ? children[0]! : combine('and', children, site.local);
}

function compileKey(key: string, value: unknown, site: Site): ConditionNode {
  if ((OPERATORS as readonly string[]).includes(key)) return operatorNode(key as Operator, value, site, site.local);
  const found = criterionFor(key);
  if (found === undefined) {
    site.issue(`unknown criterion "${key}"; expected an operator (${OPERATORS.join(', ')}) or a criterion (${CRITERION_NAMES.join(', ')})`);
    return { kind: 'and', path: site.local, children: [], test: NEVER };
  }
  const criterion = found.criterion.compile(value, site, found.parameter);
  return { kind: 'criterion', path: site.local, name: key, criterion, test: criterion.test };
}

function operatorNode(operator: Operator, value: unknown, site: Site, path: string): ConditionNode {
  if (!Array.isArray(value) || value.length === 0) {
    site.issue(`${operator} takes a list of at least one condition, got ${Array.isArray(value) ? 'an empty list' : describeValue(value)}`);
    return { kind: operator, path, children: [], test: NEVER };
  }
  const items: unknown[] = value;
  return combine(operator, items.map((item, i) => compileCondition(item, site.at(i))), path);
}

function combine(kind: Operator, children: readonly ConditionNode[], path: string): ConditionNode {
  return { kind, path, children, test: combinedTest(kind, children.map((child) => child.test)) };
}

/** The closure of an operator, with the common small cases unrolled so evaluation makes no array walks. */
function combinedTest(kind: Operator, tests: readonly Test[]): Test {
  const [a, b] = tests;
  if (tests.length === 1 && a) return kind === 'and' || kind === 'or' ? a : (input) => !a(input);
  if (tests.length === 2 && a && b) {
    switch (kind) {
      case 'and': return (input) => a(input) && b(input);
      case 'or': return (input) => a(input) || b(input);
      case 'not': return (input) => !a(input) && !b(input);
      case 'nor': return (input) => !a(input) || !b(input);
    }
  }
  const any = (input: PolicyInput): boolean => {
    for (const test of tests) if (test(input)) return true;
    return false;
  };
  const all = (input: PolicyInput): boolean => {
    for (const test of tests) if (!test(input)) return false;
    return true;
  };
  switch (kind) {
    case 'and': return all;
    case 'or': return any;
    case 'not': return (input) => !any(input);
    case 'nor': return (input) => !all(input);
  }
}
