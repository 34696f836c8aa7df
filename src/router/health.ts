/**
 * What the router knows about each deployment's recent behaviour: failure streaks and cooldowns, requests in flight,
 * latency, and recent outcome counts.
 *
 * State is keyed by `${group}/${id}` (the deployment's id within its model group), not by object identity, because
 * a config reload builds new `Deployment` objects and the new Router is handed the old Router's `DeploymentHealth`:
 * a deployment that keeps its group and id keeps its cooldown, latency and in-flight count across the reload.
 * A WeakMap from `Deployment` object to its entry saves building the key string on every lookup.
 *
 * The state lives in this process only; with several replicas each one learns about failing deployments by itself.
 */
import type { Deployment } from './types.js';

export interface CooldownPolicy {
  /** Consecutive failures that start a cooldown. */
  readonly failures: number;
  /** How long a cooldown lasts, in ms. */
  readonly for: number;
}

/** Weight of the newest sample in the latency moving average. */
const LATENCY_ALPHA = 0.3;
/** Outcome counts cover the current window and the one before it, so "recent" means the last 1–2 minutes. */
const OUTCOME_WINDOW_MS = 60_000;

interface HealthEntry {
  readonly key: string;
  readonly group: string;
  readonly id: string;
  consecutiveFailures: number;
  cooldownUntil: number;
  inFlight: number;
  latencyEwmaMs: number | undefined;
  windowStart: number;
  successes: number;
  errors: number;
  previousSuccesses: number;
  previousErrors: number;
}

export interface DeploymentHealthSnapshot {
  /** `${group}/${id}` */
  readonly key: string;
  readonly group: string;
  readonly id: string;
  readonly consecutiveFailures: number;
  readonly coolingDown: boolean;
  /** Time left in the current cooldown, 0 when not cooling down. */
  readonly cooldownRemainingMs: number;
  readonly inFlight: number;
  /** Moving average of the time to the upstream's first response; undefined until measured. */
  readonly latencyEwmaMs: number | undefined;
  /** Outcomes over the last one to two minutes. */
  readonly recentSuccesses: number;
  readonly recentErrors: number;
}

export function healthKey(deployment: Pick<Deployment, 'group' | 'id'>): string {
  return `${deployment.group}/${deployment.id}`;
}

export class DeploymentHealth {
  private readonly entries = new Map<string, HealthEntry>();
  private readonly byDeployment = new WeakMap<Deployment, HealthEntry>();

  isCoolingDown(deployment: Deployment, now: number): boolean {
    const entry = this.find(deployment);
    return entry !== undefined && entry.cooldownUntil > now;
  }

  /** When the deployment's cooldown ends (epoch of `now`), or undefined when it is not cooling down. */
  cooldownEnd(deployment: Deployment, now: number): number | undefined {
    const entry = this.find(deployment);
    return entry !== undefined && entry.cooldownUntil > now ? entry.cooldownUntil : undefined;
  }

  inFlight(deployment: Deployment): number {
    return this.find(deployment)?.inFlight ?? 0;
  }

  latency(deployment: Deployment): number | undefined {
    return this.find(deployment)?.latencyEwmaMs;
  }

  acquire(deployment: Deployment): void {
    this.entry(deployment).inFlight++;
  }

  release(deployment: Deployment): void {
    const entry = this.entry(deployment);
    if (entry.inFlight > 0) entry.inFlight--;
  }

  /** The deployment answered: the failure streak ends and the latency (time to first response) is averaged in. */
  recordSuccess(deployment: Deployment, latencyMs: number): void {
    const entry = this.entry(deployment);
    entry.consecutiveFailures = 0;
    entry.latencyEwmaMs = entry.latencyEwmaMs === undefined ? latencyMs : entry.latencyEwmaMs + LATENCY_ALPHA * (latencyMs - entry.latencyEwmaMs);
  }

  /**
   * The deployment failed in a way that says something about its health. Returns whether this failure started a
   * cooldown. The streak is not reset when a cooldown starts, so once it ends the next failure starts another one
   * at once (a single probe decides), while a success closes the streak.
   */
  recordFailure(deployment: Deployment, now: number, policy: CooldownPolicy): boolean {
    const entry = this.entry(deployment);
    entry.consecutiveFailures++;
    this.countOutcome(entry, false, now);
    if (entry.consecutiveFailures < policy.failures || entry.cooldownUntil > now || policy.for <= 0) return false;
    entry.cooldownUntil = now + policy.for;
    return true;
  }

  /**
   * Keep the deployment out of rotation until `until` (an upstream's retry-after), unless it already is for longer.
   * Returns whether a new cooldown started.
   */
  coolUntil(deployment: Deployment, now: number, until: number): boolean {
    const entry = this.entry(deployment);
    if (until <= now || entry.cooldownUntil >= until) return false;
    const started = entry.cooldownUntil <= now;
    entry.cooldownUntil = until;
    return started;
  }

  /** Count the final outcome of a response that was served (a stream may still fail after its first byte). */
  recordOutcome(deployment: Deployment, ok: boolean, now: number): void {
    this.countOutcome(this.entry(deployment), ok, now);
  }

  /**
   * Forget deployments that are no longer configured. Entries with requests still in flight are kept so those
   * requests can release them; the next reload drops them once idle.
   */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, entry] of this.entries) {
      if (!keys.has(key) && entry.inFlight === 0) this.entries.delete(key);
    }
  }

  snapshot(now: number = Date.now()): DeploymentHealthSnapshot[] {
    const result: DeploymentHealthSnapshot[] = [];
    for (const entry of this.entries.values()) {
      this.rollWindow(entry, now);
      result.push({
        key: entry.key,
        group: entry.group,
        id: entry.id,
        consecutiveFailures: entry.consecutiveFailures,
        coolingDown: entry.cooldownUntil > now,
        cooldownRemainingMs: Math.max(0, entry.cooldownUntil - now),
        inFlight: entry.inFlight,
        latencyEwmaMs: entry.latencyEwmaMs,
        recentSuccesses: entry.successes + entry.previousSuccesses,
        recentErrors: entry.errors + entry.previousErrors,
      });
    }
    return result;
  }

  private find(deployment: Deployment): HealthEntry | undefined {
    const cached = this.byDeployment.get(deployment);
    if (cached !== undefined) return cached;
    const entry = this.entries.get(healthKey(deployment));
    if (entry !== undefined) this.byDeployment.set(deployment, entry);
    return entry;
  }

  private entry(deployment: Deployment): HealthEntry {
    const found = this.find(deployment);
    if (found !== undefined) return found;
    const entry: HealthEntry = {
      key: healthKey(deployment),
      group: deployment.group,
      id: deployment.id,
      consecutiveFailures: 0,
      cooldownUntil: 0,
      inFlight: 0,
      latencyEwmaMs: undefined,
      windowStart: 0,
      successes: 0,
      errors: 0,
      previousSuccesses: 0,
      previousErrors: 0,
    };
    this.entries.set(entry.key, entry);
    this.byDeployment.set(deployment, entry);
    return entry;
  }

  private countOutcome(entry: HealthEntry, ok: boolean, now: number): void {
    this.rollWindow(entry, now);
    if (ok) entry.successes++;
    else entry.errors++;
  }

  private rollWindow(entry: HealthEntry, now: number): void {
    const elapsed = now - entry.windowStart;
    if (elapsed < OUTCOME_WINDOW_MS) return;
    const adjacent = elapsed < 2 * OUTCOME_WINDOW_MS;
    entry.previousSuccesses = adjacent ? entry.successes : 0;
    entry.previousErrors = adjacent ? entry.errors : 0;
    entry.successes = 0;
    entry.errors = 0;
    entry.windowStart = now - (elapsed % OUTCOME_WINDOW_MS);
  }
}
