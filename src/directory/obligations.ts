/**
 * The directory's share of a request's obligations. Policy binds limits and budgets by rule; the directory adds
 * what administrators set on teams and people:
 * - a team's limits and budgets count in the team's bucket (`per: team`) and apply on top of policy's;
 * - a person's override replaces the `per: user` limits (or budgets) that policy binds, for that person only;
 *   an override of `[]` lifts them.
 */
import type { BoundBudget, BoundLimit, Obligations } from '../policy/obligations.js';
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

/** Policy's obligations with the team's added and the person's overrides in place of policy's per-user entries. */
export function withDirectoryObligations(obligations: Obligations, team: TeamPolicy | undefined, user: UserOverrides): Obligations {
  if (!team && user === NO_OVERRIDES) return obligations;
  const limits = [...(user.limits ? [...obligations.limits.filter((limit) => limit.per !== 'user'), ...user.limits] : obligations.limits), ...(team?.limits ?? [])];
  const budgets = [...(user.budgets ? [...obligations.budgets.filter((budget) => budget.per !== 'user'), ...user.budgets] : obligations.budgets), ...(team?.budgets ?? [])];
  return Object.freeze({ ...obligations, limits: Object.freeze(limits), budgets: Object.freeze(budgets) });
}

function boundLimit(rule: string, per: 'team' | 'user', limit: { rpm?: number; tpm?: number; concurrent?: number }): BoundLimit {
  return Object.freeze({ rule, per, rpm: limit.rpm, tpm: limit.tpm, concurrent: limit.concurrent });
}
