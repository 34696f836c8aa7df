/** The result of a successful dispatch, holding the deployment's in-flight slot until the response is finished. */
import type { DeploymentHealth } from './health.js';
import type { Deployment } from './types.js';

export interface Dispatched<T> {
  /** What the successful attempt returned. */
  readonly value: T;
  /** The deployment that answered. */
  readonly deployment: Deployment;
  /** Attempts made in all, including the successful one. */
  readonly attempts: number;
  /** The group the client asked for, when a fallback group answered instead. */
  readonly fallbackFrom?: string;
  /**
   * Call exactly once when the response (including a stream's body) is finished: frees the deployment's in-flight
   * slot and counts the outcome. `ok: false` means the response failed after it started (a broken stream); it is
   * counted as an error but does not start a cooldown, since the deployment did answer. Later calls do nothing.
   */
  release(outcome: { ok: boolean }): void;
}

export class DispatchedResponse<T> implements Dispatched<T> {
  readonly fallbackFrom?: string;
  private released = false;

  constructor(
    readonly value: T,
    readonly deployment: Deployment,
    readonly attempts: number,
    fallbackFrom: string | undefined,
    private readonly health: DeploymentHealth,
    private readonly now: () => number,
  ) {
    if (fallbackFrom !== undefined) this.fallbackFrom = fallbackFrom;
  }

  /** An arrow property so that it can be passed around on its own (e.g. to a stream's close handler). */
  readonly release = (outcome: { ok: boolean }): void => {
    if (this.released) return;
    this.released = true;
    this.health.release(this.deployment);
    this.health.recordOutcome(this.deployment, outcome.ok, this.now());
  };
}
