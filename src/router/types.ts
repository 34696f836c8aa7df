/** Model groups and deployments as the router sees them: the config, resolved to live providers. */
import type { Provider } from '../providers/types.js';

export interface Deployment {
  /** Unique within its group: the config's `id`, or `provider/model`. */
  readonly id: string;
  /** The model group this deployment serves. */
  readonly group: string;
  readonly provider: Provider;
  /** The model name sent upstream. */
  readonly model: string;
  readonly region: string | undefined;
  readonly weight: number;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  /** Per-deployment price overrides, USD per million tokens. */
  readonly inputCostPerMtok: number | undefined;
  readonly outputCostPerMtok: number | undefined;
  /** Overrides `routing.timeout` for this deployment. */
  readonly timeoutMs: number | undefined;
}

export interface ModelGroup {
  readonly name: string;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  readonly deployments: readonly Deployment[];
  /** Other groups to try, in order, once this one is exhausted. */
  readonly fallbacks: readonly string[];
}

/** Hooks the router calls so metrics and logs can follow what it does, without the router knowing about either. */
export interface RouterObserver {
  retry(deployment: Deployment, reason: string): void;
  fallback(from: string, to: string): void;
  cooldown(deployment: Deployment, forMs: number): void;
}
