/**
 * Obligations: what a matching `when` rule binds a request to. The authorize stage hands them on: `route` to the
 * router (which deployments it may use), `limits` and `budgets` to the limits stage, `logPrompts` to the audit log.
 */
import type { Principal } from '../identity/principal.js';
import { claimReader, claimText } from './claims.js';

/** Which bucket a limit or budget counts in: per user, team, key, model, one claim's value, or one for all. */
export type Dimension = 'user' | 'team' | 'key' | 'model' | 'global' | `claim/${string}`;

export interface BoundLimit {
  /** The rule that set it. */
  readonly rule: string;
  readonly per: Dimension;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly concurrent: number | undefined;
}

export type BudgetPeriod = 'day' | 'week' | 'month' | 'total';

export interface BoundBudget {
  readonly rule: string;
  readonly per: Dimension;
  readonly usd: number;
  readonly period: BudgetPeriod;
}

export interface RouteConstraint {
  /** Regions a deployment may be in; undefined means no constraint, an empty list means none is allowed. */
  readonly regions: readonly string[] | undefined;
  /** Provider names (the keys of `providers:`) a deployment may use; undefined and empty as for regions. */
  readonly providers: readonly string[] | undefined;
}

export interface Obligations {
  readonly route: RouteConstraint;
  readonly limits: readonly BoundLimit[];
  readonly budgets: readonly BoundBudget[];
  readonly logPrompts: boolean;
}

export const NO_OBLIGATIONS: Obligations = Object.freeze({
  route: Object.freeze({ regions: undefined, providers: undefined }),
  limits: Object.freeze([]),
  budgets: Object.freeze([]),
  logPrompts: false,
});

/** The obligations of several matching `when` rules together: routes intersect, limits and budgets add up. */
export function mergeObligations(parts: readonly Obligations[]): Obligations {
  if (parts.length === 0) return NO_OBLIGATIONS;
  if (parts.length === 1) return parts[0]!;
  return Object.freeze({
    route: Object.freeze({
      regions: intersect(parts.map((part) => part.route.regions)),
      providers: intersect(parts.map((part) => part.route.providers)),
    }),
    limits: Object.freeze(parts.flatMap((part) => part.limits)),
    budgets: Object.freeze(parts.flatMap((part) => part.budgets)),
    logPrompts: parts.some((part) => part.logPrompts),
  });
}

function intersect(sets: readonly (readonly string[] | undefined)[]): readonly string[] | undefined {
  let result: readonly string[] | undefined;
  for (const set of sets) {
    if (set === undefined) continue;
    result = result === undefined ? set : result.filter((item) => set.includes(item));
  }
  return result === undefined ? undefined : Object.freeze([...result]);
}

/** Whether a deployment in `region` from provider `provider` satisfies the route constraint. */
export function routeAllows(route: RouteConstraint, provider: string, region: string | undefined): boolean {
  if (route.providers !== undefined && !route.providers.includes(provider)) return false;
  return route.regions === undefined || (region !== undefined && route.regions.includes(region));
}

/**
 * The bucket a limit or budget counts this request in, for the limits stage: `user:alice`,
 * `claim/department:legal`, `global`. Undefined when the principal has no value for the dimension (no team, no
 * such claim); the limits stage decides what that means.
 */
export function bucketOf(per: Dimension, principal: Principal, model: string | undefined): string | undefined {
  const value = dimensionValue(per, principal, model);
  return value === undefined ? undefined : per === 'global' ? 'global' : `${per}:${value}`;
}

function dimensionValue(per: Dimension, principal: Principal, model: string | undefined): string | undefined {
  switch (per) {
    case 'user': return principal.authenticated ? principal.subject : undefined;
    case 'team': return principal.team;
    case 'key': return principal.keyId;
    case 'model': return model;
    case 'global': return 'global';
    default: return claimText(claimReader(per.slice('claim/'.length))(principal.claims));
  }
}
