/**
 * Evaluation: compiled policy × one request → a decision. Access needs at least one matching `allow` and no
 * matching `deny` (default deny); the obligations of every matching `when` rule apply together.
 *
 * Every rule is tested, so the decision can name all that matched. What follows from the set of matched rules (the
 * verdict, the message, the merged obligations) depends on nothing else, so it is worked out once per distinct set
 * and remembered; a request then costs the rule tests and one small object.
 */
import { ERROR_CODES } from '../errors.js';
import type { CompiledPolicy, CompiledRule } from './compile.js';
import type { Decision, DecisionReason } from './decision.js';
import type { PolicyInput } from './input.js';
import { mergeObligations, type Obligations } from './obligations.js';

/** What a caller denied without a rule's own message is told. */
export const DEFAULT_DENY_MESSAGE: string = ERROR_CODES.GH_ERR_POLICY_DENIED.message;

/** The part of a decision that follows from which rules matched; shared by every request with the same matches. */
interface Outcome {
  readonly allow: boolean;
  readonly reason: DecisionReason;
  readonly message: string | undefined;
  readonly matched: readonly CompiledRule[];
  readonly matchedRules: readonly string[];
  readonly obligations: Obligations;
}

/** Matched-rule sets are keyed by a bit per rule, exact up to 2^53; larger policies are decided without the memo. */
const MAX_KEYED_RULES = 53;
const MAX_REMEMBERED = 4096;
const BIT: readonly number[] = Array.from({ length: MAX_KEYED_RULES }, (_, i) => 2 ** i);
const outcomes = new WeakMap<CompiledPolicy, Map<number, Outcome>>();

export class PolicyDecision implements Decision {
  readonly allow: boolean;
  readonly reason: DecisionReason;
  readonly message: string | undefined;
  /** Every rule that matched, in policy order. */
  readonly matchedRules: readonly string[];
  readonly obligations: Obligations;

  constructor(
    private readonly outcome: Outcome,
    /** Kept so the decision can be explained later, off the hot path. */
    readonly policy: CompiledPolicy,
    readonly input: PolicyInput,
  ) {
    this.allow = outcome.allow;
    this.reason = outcome.reason;
    this.message = outcome.message;
    this.matchedRules = outcome.matchedRules;
    this.obligations = outcome.obligations;
  }

  get allowRules(): readonly string[] {
    return this.namesOf('allow');
  }

  get denyRules(): readonly string[] {
    return this.namesOf('deny');
  }

  get whenRules(): readonly string[] {
    return this.namesOf('when');
  }

  private namesOf(kind: CompiledRule['kind']): string[] {
    return this.outcome.matched.filter((rule) => rule.kind === kind).map((rule) => rule.name);
  }
}

/** Reused between calls: evaluation is synchronous, so no two evaluations ever share it at once. */
const scratch: CompiledRule[] = [];

export function evaluate(policy: CompiledPolicy, input: PolicyInput): PolicyDecision {
  const { rules } = policy;
  const keyed = rules.length <= MAX_KEYED_RULES;
  let key = 0;
  scratch.length = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.test(input)) {
      scratch.push(rule);
      if (keyed) key += BIT[i]!;
    }
  }
  let memo = outcomes.get(policy);
  if (memo === undefined && keyed) outcomes.set(policy, (memo = new Map()));
  let outcome = memo?.get(key);
  if (outcome === undefined) {
    outcome = decide(scratch.slice());
    if (memo !== undefined && memo.size < MAX_REMEMBERED) memo.set(key, outcome);
  }
  return new PolicyDecision(outcome, policy, input);
}

function decide(matched: readonly CompiledRule[]): Outcome {
  const deny = matched.find((rule) => rule.kind === 'deny');
  const allowed = deny === undefined && matched.some((rule) => rule.kind === 'allow');
  const reason: DecisionReason = deny ? 'denied_by_rule' : allowed ? 'allowed' : 'no_allow_rule';
  const obligations = mergeObligations(matched.flatMap((rule) => (rule.obligations ? [rule.obligations] : [])));
  return Object.freeze({
    allow: allowed,
    reason,
    message: allowed ? undefined : (deny?.message ?? DEFAULT_DENY_MESSAGE),
    matched: Object.freeze(matched),
    matchedRules: Object.freeze(matched.map((rule) => rule.name)),
    obligations,
  });
}
