/**
 * Explanations: for a decision, which rules matched by kind, and for each rule that did not match the criterion
 * that failed and why (`groups: has ml-senior — principal groups are [interns]`). Built only on request (policy
 * test, the admin API, a denial being logged), never on the hot path: it re-runs the tests of the rules that did
 * not match to find where they fail.
 */
import type { CompiledRule, RuleKind } from './compile.js';
import type { ConditionNode } from './conditions.js';
import type { DecisionReason } from './decision.js';
import type { PolicyDecision } from './evaluate.js';
import type { PolicyInput } from './input.js';
import type { BoundBudget, BoundLimit, Obligations } from './obligations.js';

export interface CriterionFailure {
  /** Where in the rule: `deny.and[1].not[0].groups`. */
  readonly path: string;
  readonly criterion: string;
  /** What the rule asks: `has ml-senior`. */
  readonly expected: string;
  /** What the request had: `principal groups are [interns]`. */
  readonly actual: string;
  /** True when the criterion held but the rule needed it not to (under `not` or `nor`). */
  readonly matched: boolean;
  /** All of the above in one line. */
  readonly text: string;
}

export interface RuleExplanation {
  readonly name: string;
  readonly kind: RuleKind;
  readonly matched: boolean;
  /** For a rule that did not match: the first criterion that kept it from matching. */
  readonly failed?: CriterionFailure;
}

/** Obligations as JSON: a route list of `null` means no constraint, `[]` means nothing is allowed. */
export interface ObligationsExplanation {
  readonly route: { readonly regions: readonly string[] | null; readonly providers: readonly string[] | null };
  readonly limits: readonly BoundLimit[];
  readonly budgets: readonly BoundBudget[];
  readonly log_prompts: boolean;
}

export interface Explanation {
  readonly decision: 'allow' | 'deny';
  readonly reason: DecisionReason;
  /** What the caller is told when denied. */
  readonly message?: string;
  readonly matched: { readonly allow: readonly string[]; readonly deny: readonly string[]; readonly when: readonly string[] };
  /** Every rule in policy order. */
  readonly rules: readonly RuleExplanation[];
  readonly obligations: ObligationsExplanation;
}

export function explain(decision: PolicyDecision): Explanation {
  const matched = new Set(decision.matchedRules);
  const rules = decision.policy.rules.map((rule) => explainRule(rule, matched.has(rule.name), decision.input));
  return {
    decision: decision.allow ? 'allow' : 'deny',
    reason: decision.reason,
    ...(decision.message !== undefined && { message: decision.message }),
    matched: { allow: decision.allowRules, deny: decision.denyRules, when: decision.whenRules },
    rules,
    obligations: obligationsJson(decision.obligations),
  };
}

function explainRule(rule: CompiledRule, matched: boolean, input: PolicyInput): RuleExplanation {
  if (matched) return { name: rule.name, kind: rule.kind, matched };
  const failed = whyNot(rule.condition, input);
  return { name: rule.name, kind: rule.kind, matched, ...(failed && { failed }) };
}

/** Why a node that does not hold fails: the first criterion responsible. */
function whyNot(node: ConditionNode, input: PolicyInput): CriterionFailure | undefined {
  switch (node.kind) {
    case 'criterion': return failure(node, input, false);
    case 'and': return first(node.children, input, false, whyNot);
    case 'or': return node.children[0] && whyNot(node.children[0], input); // every alternative failed; the first stands for them
    case 'not': return first(node.children, input, true, whyHolds); // some child holds that must not
    case 'nor': return node.children[0] && whyHolds(node.children[0], input); // every child holds
  }
}

/** Why a node that holds holds: the first criterion responsible, for nodes under `not` and `nor`. */
function whyHolds(node: ConditionNode, input: PolicyInput): CriterionFailure | undefined {
  switch (node.kind) {
    case 'criterion': return failure(node, input, true);
    case 'and': return node.children[0] && whyHolds(node.children[0], input);
    case 'or': return first(node.children, input, true, whyHolds);
    case 'not': return node.children[0] && whyNot(node.children[0], input);
    case 'nor': return first(node.children, input, false, whyNot);
  }
}

function first(children: readonly ConditionNode[], input: PolicyInput, holding: boolean, why: typeof whyNot): CriterionFailure | undefined {
  const child = children.find((item) => item.test(input) === holding);
  return child && why(child, input);
}

function failure(node: Extract<ConditionNode, { kind: 'criterion' }>, input: PolicyInput, matched: boolean): CriterionFailure {
  const actual = node.criterion.actual(input);
  const text = `${node.name}: ${matched ? 'not ' : ''}${node.criterion.expected} — ${actual}`;
  return { path: node.path, criterion: node.name, expected: node.criterion.expected, actual, matched, text };
}

export function obligationsJson(obligations: Obligations): ObligationsExplanation {
  return {
    route: { regions: obligations.route.regions ?? null, providers: obligations.route.providers ?? null },
    limits: obligations.limits,
    budgets: obligations.budgets,
    log_prompts: obligations.logPrompts,
  };
}
