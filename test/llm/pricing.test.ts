import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { costOf } from '../../src/llm/pricing.js';
import { createProvider } from '../../src/providers/index.js';
import type { Deployment } from '../../src/router/types.js';

function deployment(type: 'openai' | 'azure' | 'anthropic' | 'mock', model: string, overrides: Partial<Deployment> = {}): Deployment {
  const extra = type === 'azure' ? { base_url: 'https://x.openai.azure.com', api_version: '2024-10-21' } : {};
  const config = configSchema.parse({ providers: { p: { type, ...extra } } }).providers.p!;
  return { id: model, group: 'g', provider: createProvider('p', config, { connectTimeoutMs: 1000 }), model, region: undefined, weight: 1, rpm: undefined, tpm: undefined, inputCostPerMtok: undefined, outputCostPerMtok: undefined, timeoutMs: undefined, ...overrides };
}

describe('costOf', () => {
  it('uses per-deployment prices from the config first', () => {
    const d = deployment('openai', 'gpt-4o', { inputCostPerMtok: 2.5, outputCostPerMtok: 10 });
    expect(costOf(d, { inputTokens: 1_000_000, outputTokens: 100_000 })).toBeCloseTo(3.5, 10);
  });

  it('prices known models from the offline price table', () => {
    const cost = costOf(deployment('openai', 'gpt-4o'), { inputTokens: 1000, outputTokens: 100 });
    expect(cost).toBeGreaterThan(0);
    // gpt-4o lists at $2.50 / $10 per million tokens
    expect(cost).toBeCloseTo(0.0025 + 0.001, 6);
  });

  it('prices Anthropic models, and cache reads below fresh input', () => {
    const d = deployment('anthropic', 'claude-sonnet-4-5');
    const fresh = costOf(d, { inputTokens: 10_000, outputTokens: 0 });
    const cached = costOf(d, { inputTokens: 10_000, outputTokens: 0, cacheReadTokens: 10_000 });
    expect(fresh).toBeGreaterThan(0);
    expect(cached).toBeLessThan(fresh);
  });

  it('falls back to OpenAI prices for Azure deployments named after OpenAI models', () => {
    expect(costOf(deployment('azure', 'gpt-4o'), { inputTokens: 1000, outputTokens: 100 })).toBeCloseTo(0.0035, 6);
  });

  it('is zero for the mock model and for unknown models', () => {
    expect(costOf(deployment('mock', 'anything'), { inputTokens: 1000, outputTokens: 1000 })).toBe(0);
    expect(costOf(deployment('openai', 'my-private-finetune-xyz'), { inputTokens: 1000, outputTokens: 1000 })).toBe(0);
  });
});
