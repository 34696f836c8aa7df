/**
 * One dispatch: pick a deployment, attempt, and on a deployment failure retry (with backoff) within the group,
 * then move along the group's fallbacks. One object per request; the lists it keeps (failed attempts, deployments
 * not to retry) are only allocated once something has failed, so the common case allocates almost nothing.
 */
import type { RoutingConfig } from '../config/schema.js';
import { GatehouseError } from '../errors.js';
import { backoffDelay } from './backoff.js';
import { DispatchedResponse, type Dispatched } from './dispatched.js';
import { coolingDownError, exhaustedError, failureLabel, isDeploymentFailure, noEligibleDeploymentError, type DeploymentFailure, type FailedAttempt } from './exhausted.js';
import type { DeploymentHealth } from './health.js';
import { DeploymentSaturated, saturatedError } from './saturated.js';
import type { CandidateFilter, GroupDeployments, Strategy } from './strategies.js';
import type { Deployment, ModelGroup, RouterObserver } from './types.js';

/** Calls the upstream for one deployment. `attemptNumber` counts from 1 over the whole dispatch. */
export type Attempt<T> = (deployment: Deployment, attemptNumber: number) => Promise<T>;

export interface DispatchOptions {
  /** The client's signal: when it aborts, the dispatch stops at once and rethrows its reason. */
  signal: AbortSignal;
  /** Only deployments this accepts are used (policy route obligations, endpoint support). */
  eligible?: (deployment: Deployment) => boolean;
}

/** A group with what the router precomputes for it. `chain` is the group itself, then its fallbacks, in order. */
export interface GroupPlan extends GroupDeployments {
  readonly group: ModelGroup;
  readonly chain: readonly GroupPlan[];
}

/** What every dispatch of one Router shares. */
export interface RouterContext {
  readonly health: DeploymentHealth;
  readonly strategy: Strategy;
  readonly routing: RoutingConfig;
  readonly observer: RouterObserver | undefined;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now: () => number;
}

export class DispatchRun<T> implements CandidateFilter {
  private readonly signal: AbortSignal;
  private readonly eligible: ((deployment: Deployment) => boolean) | undefined;
  private attempts = 0;
  private nowMs = 0;
  private untriedOnly = false;
  private failures: FailedAttempt[] | undefined;
  /** Deployments this dispatch will not go back to: refused our credentials, or asked us to wait too long. */
  private banned: Set<Deployment> | undefined;
  private earliestCooldownEnd: number | undefined;
  /** The deployment at its own rate limit that frees up first, when any was. */
  private soonestSaturated: DeploymentSaturated | undefined;

  constructor(
    private readonly context: RouterContext,
    private readonly attempt: Attempt<T>,
    options: DispatchOptions,
  ) {
    this.signal = options.signal;
    this.eligible = options.eligible;
  }

  async run(plan: GroupPlan): Promise<Dispatched<T>> {
    this.signal.throwIfAborted();
    const { chain } = plan;
    for (let i = 0; i < chain.length; i++) {
      const target = chain[i] as GroupPlan;
      const fallbackFrom = i === 0 ? undefined : plan.group.name;
      if (fallbackFrom !== undefined) this.context.observer?.fallback(fallbackFrom, target.group.name);
      const served = await this.runGroup(target, fallbackFrom);
      if (served !== undefined) return served;
    }
    throw this.finalError(chain);
  }

  /** The strategy's view of the router's state: is this deployment a candidate right now? */
  accepts(deployment: Deployment): boolean {
    if (this.eligible !== undefined && !this.eligible(deployment)) return false;
    if (this.banned?.has(deployment)) return false;
    if (this.untriedOnly && this.wasTried(deployment)) return false;
    return !this.context.health.isCoolingDown(deployment, this.nowMs);
  }

  /** Up to `retries` + 1 attempts in one group; undefined when the group is exhausted. */
  private async runGroup(group: GroupPlan, fallbackFrom: string | undefined): Promise<Dispatched<T> | undefined> {
    let deployment = this.choose(group);
    for (let retry = 1; deployment !== undefined; retry++) {
      const outcome = await this.tryDeployment(deployment, fallbackFrom);
      if (outcome instanceof DeploymentSaturated) {
        // Full, not failed: try another deployment at once, without using up a retry.
        this.ban(deployment);
        deployment = this.choose(group);
        retry--;
        continue;
      }
      if (!(outcome instanceof Failed)) return outcome;
      if (retry > this.context.routing.retries) return undefined;
      const delay = this.retryDelay(deployment, outcome.failure, retry);
      const next = this.choose(group);
      if (next === undefined) break;
      this.context.observer?.retry(deployment, failureLabel(outcome.failure));
      deployment = await this.waitThenRecheck(delay, next, group);
    }
    this.noteUnavailable(group);
    return undefined;
  }

  /** The strategy's pick, preferring a deployment this dispatch has not tried yet. */
  private choose(group: GroupPlan): Deployment | undefined {
    this.nowMs = this.context.now();
    const { strategy, health, random } = this.context;
    if (this.failures === undefined) return strategy(group, this, health, random);
    this.untriedOnly = true;
    const untried = strategy(group, this, health, random);
    this.untriedOnly = false;
    return untried ?? strategy(group, this, health, random);
  }

  private async tryDeployment(deployment: Deployment, fallbackFrom: string | undefined): Promise<Dispatched<T> | Failed | DeploymentSaturated> {
    this.signal.throwIfAborted();
    const { health, now } = this.context;
    this.attempts++;
    health.acquire(deployment);
    const started = now();
    let value: T;
    try {
      value = await this.attempt(deployment, this.attempts);
    } catch (error) {
      health.release(deployment);
      if (error instanceof DeploymentSaturated) return this.saturated(error);
      return this.failed(deployment, error);
    }
    health.recordSuccess(deployment, now() - started);
    return new DispatchedResponse(value, deployment, this.attempts, fallbackFrom, health, now);
  }

  /** The attempt was refused before any upstream call: it does not count as one. */
  private saturated(refusal: DeploymentSaturated): DeploymentSaturated {
    this.attempts--;
    if (this.soonestSaturated === undefined || refusal.retryAfterMs < this.soonestSaturated.retryAfterMs) this.soonestSaturated = refusal;
    return refusal;
  }

  /** Record a deployment failure, or rethrow anything else (an abort, a request the upstream rejected, a bug). */
  private failed(deployment: Deployment, error: unknown): Failed {
    if (this.signal.aborted) throw this.signal.reason;
    if (!isDeploymentFailure(error)) throw error;
    const { health, observer, routing } = this.context;
    if (health.recordFailure(deployment, this.context.now(), routing.cooldown)) observer?.cooldown(deployment, routing.cooldown.for);
    (this.failures ??= []).push({ deployment, failure: error });
    return new Failed(error);
  }

  /**
   * How long to wait before the next attempt. A deployment that refused our credentials, or whose retry-after is
   * longer than we ever back off, is not tried again in this dispatch: the next attempt goes elsewhere at once.
   */
  private retryDelay(deployment: Deployment, failure: DeploymentFailure, retry: number): number {
    const { routing, random } = this.context;
    if (failure instanceof GatehouseError) return this.ban(deployment);
    const retryAfter = failure.retryAfterMs;
    if (retryAfter === undefined) return backoffDelay(retry, routing.backoff, random);
    if (retryAfter <= routing.backoff.max) return retryAfter;
    // The upstream told us how long it needs: keep every request off it for that long (up to a normal cooldown).
    const { health, observer, now } = this.context;
    const at = now();
    const forMs = Math.min(retryAfter, routing.cooldown.for);
    if (health.coolUntil(deployment, at, at + forMs)) observer?.cooldown(deployment, forMs);
    return this.ban(deployment);
  }

  private ban(deployment: Deployment): 0 {
    (this.banned ??= new Set()).add(deployment);
    return 0;
  }

  /** Sleep, then make sure the chosen deployment did not start cooling down meanwhile (other requests failing). */
  private async waitThenRecheck(delay: number, next: Deployment, group: GroupPlan): Promise<Deployment | undefined> {
    if (delay <= 0) return next;
    await this.context.sleep(delay, this.signal);
    this.signal.throwIfAborted();
    return this.context.health.isCoolingDown(next, this.context.now()) ? this.choose(group) : next;
  }

  private wasTried(deployment: Deployment): boolean {
    if (this.failures === undefined) return false;
    for (const failed of this.failures) if (failed.deployment === deployment) return true;
    return false;
  }

  /** The group had no candidate left: remember when its first eligible deployment comes out of cooldown. */
  private noteUnavailable(group: GroupPlan): void {
    const { health } = this.context;
    for (const deployment of group.deployments) {
      if (this.eligible !== undefined && !this.eligible(deployment)) continue;
      const end = health.cooldownEnd(deployment, this.nowMs);
      if (end !== undefined && (this.earliestCooldownEnd === undefined || end < this.earliestCooldownEnd)) this.earliestCooldownEnd = end;
    }
  }

  private finalError(chain: readonly GroupPlan[]): GatehouseError {
    const names = chain.map((plan) => plan.group.name);
    if (this.failures !== undefined) return exhaustedError(this.failures);
    if (this.soonestSaturated !== undefined) return saturatedError(this.soonestSaturated, names);
    if (this.earliestCooldownEnd !== undefined) return coolingDownError(this.earliestCooldownEnd - this.context.now(), names);
    return noEligibleDeploymentError(names);
  }
}

/** A failed attempt's result, told apart from a response by `instanceof`. */
class Failed {
  constructor(readonly failure: DeploymentFailure) {}
}
