/**
 * The router: picks a deployment of the requested model group with the configured strategy, retries and falls back
 * on deployment failures, and cools failing deployments down. It knows nothing about HTTP or dialects: the caller's
 * `attempt` function does the upstream call and throws an `UpstreamFailure` when a deployment failed retryably.
 */
import type { RoutingConfig } from '../config/schema.js';
import { GatehouseError } from '../errors.js';
import { abortableSleep } from './backoff.js';
import { DispatchRun, type Attempt, type DispatchOptions, type GroupPlan, type RouterContext } from './dispatch-run.js';
import type { Dispatched } from './dispatched.js';
import { DeploymentHealth, healthKey } from './health.js';
import { STRATEGIES } from './strategies.js';
import type { Deployment, ModelGroup, RouterObserver } from './types.js';

export interface RouterOptions {
  groups: ReadonlyMap<string, ModelGroup>;
  routing: RoutingConfig;
  /** Pass the previous Router's `health` on a config reload so cooldowns, latencies and in-flight counts carry over. */
  health?: DeploymentHealth;
  observer?: RouterObserver;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds; `Date.now` unless a test injects a clock. */
  now?: () => number;
}

export class Router {
  readonly health: DeploymentHealth;
  private readonly groupsByName: ReadonlyMap<string, ModelGroup>;
  private readonly plans: ReadonlyMap<string, GroupPlan>;
  private readonly context: RouterContext;

  constructor(options: RouterOptions) {
    this.groupsByName = options.groups;
    this.plans = buildPlans(options.groups);
    this.health = options.health ?? new DeploymentHealth();
    this.health.retain(deploymentKeys(options.groups));
    this.context = {
      health: this.health,
      strategy: STRATEGIES[options.routing.strategy],
      routing: options.routing,
      observer: options.observer,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? abortableSleep,
      now: options.now ?? Date.now,
    };
  }

  group(name: string): ModelGroup | undefined {
    return this.groupsByName.get(name);
  }

  groups(): Iterable<ModelGroup> {
    return this.groupsByName.values();
  }

  /**
   * Run `attempt` on a deployment of `groupName` until one succeeds. Throws the abort reason when the signal aborts,
   * any error `attempt` throws that is not a deployment failure as is, and otherwise a GatehouseError: mapped from
   * the last failure, `GH_ERR_UPSTREAM_UNAVAILABLE` when every eligible deployment is cooling down,
   * `GH_ERR_ENDPOINT_UNSUPPORTED` when no deployment was eligible, `GH_ERR_MODEL_NOT_FOUND` for an unknown group.
   */
  dispatch<T>(groupName: string, attempt: Attempt<T>, options: DispatchOptions): Promise<Dispatched<T>> {
    const plan = this.plans.get(groupName);
    if (plan === undefined) return Promise.reject(new GatehouseError('GH_ERR_MODEL_NOT_FOUND', undefined, { detail: `unknown model group "${groupName}"` }));
    return new DispatchRun(this.context, attempt, options).run(plan);
  }
}

/**
 * Per-group data computed once per config. Fallbacks are followed one level deep only (a fallback's own fallbacks
 * are not), and a group never appears twice in a chain, so there are no loops.
 */
function buildPlans(groups: ReadonlyMap<string, ModelGroup>): Map<string, GroupPlan> {
  const plans = new Map<string, GroupPlan & { chain: GroupPlan[] }>();
  for (const [name, group] of groups) {
    if (group.deployments.length === 0) throw new Error(`model group "${name}" has no deployments`);
    plans.set(name, { group, deployments: group.deployments, totalWeight: totalWeight(name, group.deployments), chain: [] });
  }
  for (const [name, plan] of plans) {
    plan.chain.push(plan);
    for (const fallback of plan.group.fallbacks) {
      const target = plans.get(fallback);
      if (target === undefined) throw new Error(`model group "${name}": fallback "${fallback}" is not a configured model group`);
      if (!plan.chain.includes(target)) plan.chain.push(target);
    }
  }
  return plans;
}

function totalWeight(group: string, deployments: readonly Deployment[]): number {
  let total = 0;
  for (const deployment of deployments) {
    if (!(deployment.weight > 0 && Number.isFinite(deployment.weight))) {
      throw new Error(`model group "${group}": deployment "${deployment.id}" needs a positive weight, got ${deployment.weight}`);
    }
    total += deployment.weight;
  }
  return total;
}

function deploymentKeys(groups: ReadonlyMap<string, ModelGroup>): Set<string> {
  const keys = new Set<string>();
  for (const group of groups.values()) for (const deployment of group.deployments) keys.add(healthKey(deployment));
  return keys;
}
