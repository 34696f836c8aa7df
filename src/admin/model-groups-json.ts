/**
 * Model groups as the admin API shows them: each deployment with its region, live health from the router
 * (cooldown, outcomes of the last one to two minutes, moving-average latency), its median latency over the last
 * hour from usage records, and its price.
 */
import { costOf, hasPrice } from '../llm/pricing.js';
import { healthKey, type DeploymentHealthSnapshot } from '../router/health.js';
import type { Deployment, ModelGroup } from '../router/types.js';

export interface DeploymentJson {
  id: string;
  provider: string;
  provider_type: string;
  model: string;
  region: string | null;
  state: 'healthy' | 'cooling_down';
  cooldown_until: string | null;
  in_flight: number;
  recent_requests: number;
  /** Errors over recent requests, 0–1; 0 without recent requests. */
  recent_error_rate: number;
  latency_p50_ms: number | null;
  latency_ewma_ms: number | null;
  price: { input_usd_per_mtok: number | null; output_usd_per_mtok: number | null };
}

export interface ModelGroupJson {
  name: string;
  description: string | null;
  tags: readonly string[];
  fallbacks: readonly string[];
  deployments: DeploymentJson[];
}

export interface ModelGroupsView {
  /** The router's health snapshot, by `${group}/${id}`. */
  health: ReadonlyMap<string, DeploymentHealthSnapshot>;
  /** Median upstream latency over the last hour, by `${group}/${id}`. */
  latencyP50: ReadonlyMap<string, number>;
  now: number;
}

export function modelGroupJson(group: ModelGroup, view: ModelGroupsView): ModelGroupJson {
  return {
    name: group.name,
    description: group.description ?? null,
    tags: group.tags,
    fallbacks: group.fallbacks,
    deployments: group.deployments.map((deployment) => deploymentJson(deployment, view)),
  };
}

function deploymentJson(deployment: Deployment, view: ModelGroupsView): DeploymentJson {
  const key = healthKey(deployment);
  const health = view.health.get(key);
  const recent = health ? health.recentSuccesses + health.recentErrors : 0;
  const coolingDown = health?.coolingDown === true;
  return {
    id: deployment.id,
    provider: deployment.provider.name,
    provider_type: deployment.provider.type,
    model: deployment.model,
    region: deployment.region ?? null,
    state: coolingDown ? 'cooling_down' : 'healthy',
    cooldown_until: coolingDown ? new Date(view.now + health.cooldownRemainingMs).toISOString() : null,
    in_flight: health?.inFlight ?? 0,
    recent_requests: recent,
    recent_error_rate: recent === 0 ? 0 : Math.round((health!.recentErrors / recent) * 10_000) / 10_000,
    latency_p50_ms: view.latencyP50.get(key) ?? null,
    latency_ewma_ms: health?.latencyEwmaMs === undefined ? null : Math.round(health.latencyEwmaMs * 1000) / 1000,
    price: priceOf(deployment),
  };
}

/**
 * USD per million tokens: the configured price, or the price table's for a million-token request (tiered
 * prices depend on a request's size; that is the tier shown). Null when no price is known.
 */
function priceOf(deployment: Deployment): DeploymentJson['price'] {
  if (!hasPrice(deployment)) return { input_usd_per_mtok: null, output_usd_per_mtok: null };
  return {
    input_usd_per_mtok: roundPrice(costOf(deployment, { inputTokens: 1_000_000, outputTokens: 0 })),
    output_usd_per_mtok: roundPrice(costOf(deployment, { inputTokens: 0, outputTokens: 1_000_000 })),
  };
}

function roundPrice(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
