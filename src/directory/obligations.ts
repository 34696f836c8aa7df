/**
 * The directory's share of a request's obligations. Policy binds limits and budgets by rule; the directory adds
 * what administrators set on teams and people:
 * - a team's limits and budgets count in the team's bucket (`per: team`) and apply on top of policy's;
 * - a person's override replaces the `per: user` limits (or budgets) that policy binds, for that person only;
 *   an override of `[]` lifts them;
 * - a key's limits and budgets count in the key's bucket (`per: key`) and apply on top of everything else, so an
 *   administrator can hold one key below what its owner and team may use (never lift a limit through it).
 */
import type { BoundBudget, BoundLimit, Obligations } from '../policy/obligations.js';
import type { ApiKeyLimits } from '../store/api-keys.js';
import type { StoredTeam } from '../store/teams.js';
import type { StoredUser } from '../store/users.js';

export interface TeamPolicy {
  readonly teamId: string;
  /** Undefined: every model. */
  readonly allowedModels: readonly string[] | undefined;
  readonly limits: readonly BoundLimit[];
  readonly budgets: readonly BoundBudget[];
}

export interface UserOverrides {
  /** Undefined: no override, policy's per-user limits apply. */
  readonly limits: readonly BoundLimit[] | undefined;
  readonly budgets: readonly BoundBudget[] | undefined;
}

/** A key's own limits and budgets, bound with the rule name `key <id>`. */
export interface KeyPolicy {
  readonly keyId: string;
  readonly limits: readonly BoundLimit[];
  readonly budgets: readonly BoundBudget[];
}

export const NO_OVERRIDES: UserOverrides = Object.freeze({ limits: undefined, budgets: undefined });

export function teamPolicyOf(team: StoredTeam): TeamPolicy {
  const rule = `team ${team.id}`;
  return Object.freeze({
    teamId: team.id,
    allowedModels: team.allowedModels && Object.freeze([...team.allowedModels]),
    limits: Object.freeze(team.limits.map((limit) => boundLimit(rule, 'team', limit))),
    budgets: Object.freeze(team.budgets.map((budget) => Object.freeze({ rule, per: 'team' as const, usd: budget.usd, period: budget.period }))),
  });
}

export function userOverridesOf(user: StoredUser | undefined): UserOverrides {
  if (!user || (user.limits === undefined && user.budgets === undefined)) return NO_OVERRIDES;
  const rule = `user ${user.subject}`;
  return Object.freeze({
    limits: user.limits && Object.freeze(user.limits.map((limit) => boundLimit(rule, 'user', limit))),
    budgets: user.budgets && Object.freeze(user.budgets.map((budget) => Object.freeze({ rule, per: 'user' as const, usd: budget.usd, period: budget.period }))),
  });
}

/** A key's limits and budgets as bound obligations; undefined when the key has none (or there is no such key). */
export function keyPolicyOf(keyId: string, own: ApiKeyLimits | undefined): KeyPolicy | undefined {
  if (!own || (own.limits.length === 0 && own.budgets.length === 0)) return undefined;
  const rule = `key ${keyId}`;
  return Object.freeze({
    keyId,
    limits: Object.freeze(own.limits.map((limit) => boundLimit(rule, 'key', limit))),
    budgets: Object.freeze(own.budgets.map((budget) => Object.freeze({ rule, per: 'key' as const, usd: budget.usd, period: budget.period }))),
  });
}

/**
 * Policy's obligations with the person's overrides in place of policy's per-user entries, and the team's and the
 * key's added. The very same object when the directory has nothing to add.
 */
export function withDirectoryObligations(obligations: Obligations, team: TeamPolicy | undefined, user: UserOverrides, key?: KeyPolicy): Obligations {
  // A team that only narrows models (no limits, no budgets) adds nothing here: most requests allocate nothing.
  const teamAdds = team !== undefined && (team.limits.length > 0 || team.budgets.length > 0);
  if (!teamAdds && user === NO_OVERRIDES && !key) return obligations;
  const limits = [...(user.limits ? [...obligations.limits.filter((limit) => limit.per !== 'user'), ...user.limits] : obligations.limits), ...(team?.limits ?? []), ...(key?.limits ?? [])];
  const budgets = [...(user.budgets ? [...obligations.budgets.filter((budget) => budget.per !== 'user'), ...user.budgets] : obligations.budgets), ...(team?.budgets ?? []), ...(key?.budgets ?? [])];
  return Object.freeze({ ...obligations, limits: Object.freeze(limits), budgets: Object.freeze(budgets) });
}

function boundLimit(rule: string, per: 'team' | 'user' | 'key', limit: { rpm?: number; tpm?: number; concurrent?: number }): BoundLimit {
  return Object.freeze({ rule, per, rpm: limit.rpm, tpm: limit.tpm, concurrent: limit.concurrent });
}
