/** The outcome of the authorize stage, explained so the 403 body, logs and audit all say the same thing. */
import type { Obligations } from './obligations.js';

export interface Decision {
  allow: boolean;
  /** Names of the rules that decided, for logs and audit. */
  matchedRules: readonly string[];
  /** What a denied caller is told (a rule's `message`); never internal detail. */
  message: string | undefined;
  /** What an allowed request is bound to (route, limits, budgets, prompt logging); absent means none. */
  obligations?: Obligations;
}

/**
 * Why the policy decided as it did, a closed set: an allow rule matched and no deny rule did; a deny rule matched;
 * or no allow rule matched (default deny).
 */
export type DecisionReason = 'allowed' | 'denied_by_rule' | 'no_allow_rule';
