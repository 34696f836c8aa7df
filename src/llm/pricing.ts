/**
 * What a call cost, in USD. Per-deployment prices in the config win; otherwise the maintained offline price table
 * of `@pydantic/genai-prices` is consulted (matched by provider and model name, or by the provider's base URL for
 * OpenAI-compatible hosts such as Groq or Together). The built-in mock model is free.
 *
 * Looking a model up in the table costs tens of microseconds, so each deployment's rates are resolved once and
 * cached; models with tiered prices (which depend on the request's size) are priced per call.
 */
import { calcPrice, TieredPrices } from '@pydantic/genai-prices';
import type { Deployment } from '../router/types.js';
import type { Usage } from './types.js';

interface Rates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

type PriceSource = { kind: 'rates'; rates: Rates } | { kind: 'table'; providerId: string | undefined; providerApiUrl: string | undefined } | { kind: 'unknown' };

const TABLE_PROVIDER: Record<string, string | undefined> = { openai: 'openai', azure: 'azure', anthropic: 'anthropic' };
const sources = new WeakMap<Deployment, PriceSource>();

/** Cost in USD; 0 when no price is known (the usage record still keeps the tokens). */
export function costOf(deployment: Deployment, usage: Usage): number {
  let source = sources.get(deployment);
  if (!source) {
    source = resolveSource(deployment);
    sources.set(deployment, source);
  }
  if (source.kind === 'rates') return priceWithRates(source.rates, usage);
  if (source.kind === 'unknown') return 0;
  return tableCost(usage, deployment.model, source.providerId, source.providerApiUrl) ?? 0;
}

/** Whether a price is known for this deployment, for diagnostics. */
export function hasPrice(deployment: Deployment): boolean {
  return resolveSource(deployment).kind !== 'unknown';
}

function resolveSource(deployment: Deployment): PriceSource {
  const { inputCostPerMtok, outputCostPerMtok, provider } = deployment;
  if (inputCostPerMtok !== undefined || outputCostPerMtok !== undefined) {
    const input = inputCostPerMtok ?? 0;
    return { kind: 'rates', rates: { input, output: outputCostPerMtok ?? 0, cacheRead: input, cacheWrite: input } };
  }
  if (provider.type === 'mock') return { kind: 'rates', rates: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } };
  const candidates: Array<[string | undefined, string | undefined]> = [[TABLE_PROVIDER[provider.type], provider.config.base_url]];
  if (provider.type === 'azure') candidates.push(['openai', undefined]); // Azure deployments usually carry OpenAI model names
  for (const [providerId, providerApiUrl] of candidates) {
    const probe = lookup({ input_tokens: 1_000_000 }, deployment.model, providerId, providerApiUrl);
    if (!probe) continue;
    if (Object.values(probe.model_price).some((price) => price instanceof TieredPrices)) return { kind: 'table', providerId, providerApiUrl };
    const per = (usage: Record<string, number>) => lookup(usage, deployment.model, providerId, providerApiUrl)?.total_price ?? 0;
    return {
      kind: 'rates',
      rates: {
        input: probe.total_price,
        output: per({ output_tokens: 1_000_000 }),
        cacheRead: per({ input_tokens: 1_000_000, cache_read_tokens: 1_000_000 }),
        cacheWrite: per({ input_tokens: 1_000_000, cache_write_tokens: 1_000_000 }),
      },
    };
  }
  return { kind: 'unknown' };
}

function priceWithRates(rates: Rates, usage: Usage): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  return (uncached * rates.input + cacheRead * rates.cacheRead + cacheWrite * rates.cacheWrite + usage.outputTokens * rates.output) / 1_000_000;
}

function tableCost(usage: Usage, model: string, providerId: string | undefined, providerApiUrl: string | undefined): number | undefined {
  const tableUsage = { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cache_read_tokens: usage.cacheReadTokens, cache_write_tokens: usage.cacheWriteTokens };
  return lookup(tableUsage, model, providerId, providerApiUrl)?.total_price;
}

function lookup(usage: Record<string, number | undefined>, model: string, providerId: string | undefined, providerApiUrl: string | undefined) {
  try {
    return calcPrice(usage, model, { ...(providerId && { providerId }), ...(providerApiUrl && { providerApiUrl }) });
  } catch {
    return null; // the table rejects some usage shapes for some models: treat as "no price"
  }
}
