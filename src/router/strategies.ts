/**
 * Routing strategies: each picks one deployment of a group among those a filter accepts, without copying the list.
 * The filter stands for everything else the router knows (eligibility, cooldowns, what this dispatch already tried).
 */
import type { RoutingConfig } from '../config/schema.js';
import type { DeploymentHealth } from './health.js';
import type { Deployment } from './types.js';

export type StrategyName = RoutingConfig['strategy'];

/** A group's deployments with what can be computed once per config. */
export interface GroupDeployments {
  readonly deployments: readonly Deployment[];
  readonly totalWeight: number;
}

export interface CandidateFilter {
  accepts(deployment: Deployment): boolean;
}

export type Strategy = (group: GroupDeployments, filter: CandidateFilter, health: DeploymentHealth, random: () => number) => Deployment | undefined;

/** Weighted random by `weight`. */
export const simpleShuffle: Strategy = (group, filter, _health, random) => {
  // Draw over the whole group first: when the draw is acceptable (the common case) that is one pass. Redrawing over
  // the accepted ones only when it is not still gives each accepted deployment exactly weight / acceptedWeight.
  const drawn = weightedDraw(group.deployments, group.totalWeight, random, undefined);
  if (drawn !== undefined && filter.accepts(drawn)) return drawn;
  let acceptedWeight = 0;
  for (const deployment of group.deployments) if (filter.accepts(deployment)) acceptedWeight += deployment.weight;
  return acceptedWeight > 0 ? weightedDraw(group.deployments, acceptedWeight, random, filter) : undefined;
};

type Score = (health: DeploymentHealth, deployment: Deployment) => number;
const inFlightScore: Score = (health, deployment) => health.inFlight(deployment);
const latencyScore: Score = (health, deployment) => health.latency(deployment) ?? -1;

/** Fewest requests in flight; ties broken at random. */
export const leastBusy: Strategy = (group, filter, health, random) => pickLowest(group.deployments, filter, health, random, inFlightScore);

/** Lowest moving-average latency. Deployments never measured score lowest, so every deployment gets measured. */
export const lowestLatency: Strategy = (group, filter, health, random) => pickLowest(group.deployments, filter, health, random, latencyScore);

export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  'simple-shuffle': simpleShuffle,
  'least-busy': leastBusy,
  'lowest-latency': lowestLatency,
};

function weightedDraw(deployments: readonly Deployment[], total: number, random: () => number, filter: CandidateFilter | undefined): Deployment | undefined {
  let remaining = random() * total;
  let last: Deployment | undefined;
  for (const deployment of deployments) {
    if (filter !== undefined && !filter.accepts(deployment)) continue;
    last = deployment;
    remaining -= deployment.weight;
    if (remaining < 0) return deployment;
  }
  return last; // rounding left a sliver of weight: the last candidate takes it
}

/** The accepted deployment with the lowest score; among equal scores each is equally likely (reservoir sampling). */
function pickLowest(deployments: readonly Deployment[], filter: CandidateFilter, health: DeploymentHealth, random: () => number, score: Score): Deployment | undefined {
  let best: Deployment | undefined;
  let bestScore = Infinity;
  let ties = 0;
  for (const deployment of deployments) {
    if (!filter.accepts(deployment)) continue;
    const value = score(health, deployment);
    if (value < bestScore) {
      best = deployment;
      bestScore = value;
      ties = 1;
    } else if (value === bestScore && random() * ++ties < 1) {
      best = deployment;
    }
  }
  return best;
}
