/**
 * Building blocks of the configs the end-to-end tests run: the gateway's own API key, the upstream key every fake
 * provider is configured with (recognisable, so tests can prove it never leaks), and provider entries pointing at
 * the fake upstreams.
 */
import type { AnthropicUpstream } from './upstreams/anthropic-upstream.js';
import type { OpenaiUpstream } from './upstreams/openai-upstream.js';

/** The key clients present to the gateway. */
export const GATEWAY_KEY = 'gh-e2e-client-key-0123456789';

/** The key the gateway presents upstream; it must never appear in a response or a log line. */
export const UPSTREAM_KEY = 'sk-upstream-SECRET-123';

/** Routing that retries quickly, so failure scenarios take milliseconds rather than seconds. */
export const FAST_ROUTING = { retries: 2, backoff: { initial: '10ms', max: '50ms' } } as const;

export function openaiProvider(upstream: OpenaiUpstream, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'openai', base_url: upstream.baseUrl, api_key: UPSTREAM_KEY, ...extra };
}

export function anthropicProvider(upstream: AnthropicUpstream, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'anthropic', base_url: upstream.baseUrl, api_key: UPSTREAM_KEY, ...extra };
}

/** A model group with one deployment. */
export function model(name: string, provider: string, upstreamModel: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, deployments: [{ provider, model: upstreamModel }], ...extra };
}
