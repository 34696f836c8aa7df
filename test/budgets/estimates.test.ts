import { describe, expect, it } from 'vitest';
import { budgetBuckets, estimateCostUsd, estimateStreamedTokens, StreamedTokenCounter } from '../../src/budgets/index.js';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import type { BoundBudget } from '../../src/policy/obligations.js';
import { deployment } from '../router/fakes.js';

describe('estimateStreamedTokens', () => {
  it('counts alphabetic text at four characters per token, rounding up', () => {
    expect(estimateStreamedTokens('')).toBe(0);
    expect(estimateStreamedTokens('Hi')).toBe(1);
    expect(estimateStreamedTokens('The quick brown fox jumps')).toBe(7); // 25 characters
    expect(estimateStreamedTokens('Привет, мир')).toBe(3); // Cyrillic: 11 characters
  });

  it('counts dense scripts and emoji at one token per character', () => {
    expect(estimateStreamedTokens('你好世界')).toBe(4);
    expect(estimateStreamedTokens('こんにちは')).toBe(5);
    expect(estimateStreamedTokens('ok 👍')).toBe(2); // one token for "ok ", one for the emoji (one code point, two UTF-16 units)
  });

  it('gives the same count delta by delta as for the whole text', () => {
    const deltas = ['The answer', ' is 42', '. 答案是', '四十二 👍', ''];
    const counter = new StreamedTokenCounter();
    for (const delta of deltas) counter.add(delta);
    expect(counter.tokens).toBe(estimateStreamedTokens(deltas.join('')));
    expect(counter.tokens).toBe(Math.ceil(19 / 4) + 7); // 19 alphabetic characters, 7 dense code points
  });
});

describe('estimateCostUsd', () => {
  const cheap = deployment('g', 'cheap', { inputCostPerMtok: 1, outputCostPerMtok: 2 });
  const dear = deployment('g', 'dear', { inputCostPerMtok: 3, outputCostPerMtok: 15 });

  it('prices input plus max_tokens at the dearest deployment', () => {
    expect(estimateCostUsd([cheap, dear], { inputTokens: 1_000, maxTokens: 500, defaultMaxTokens: 4_096 })).toBeCloseTo(0.003 + 0.0075, 12);
  });

  it('assumes the default output when the request sets no max_tokens', () => {
    expect(estimateCostUsd([cheap], { inputTokens: 0, maxTokens: undefined, defaultMaxTokens: 1_000_000 })).toBe(2);
  });

  it('is 0 when no deployment has a price', () => {
    expect(estimateCostUsd([deployment('g', 'free')], { inputTokens: 1_000, maxTokens: 10, defaultMaxTokens: 10 })).toBe(0);
  });
});

describe('budgetBuckets', () => {
  const alice: Principal = { ...ANONYMOUS, authenticated: true, authMethod: 'jwt', subject: 'alice', team: 'ml', claims: { department: 'legal' } };
  const budget = (per: BoundBudget['per'], period: BoundBudget['period'], usd: number): BoundBudget => ({ rule: 'r', per, usd, period });

  it('turns bound budgets into ledger buckets, skipping dimensions the principal has no value for', () => {
    const buckets = budgetBuckets([budget('claim/department', 'month', 500), budget('user', 'day', 5), budget('key', 'day', 1), budget('model', 'week', 50), budget('global', 'total', 1e4)], alice, 'gpt-4o');
    expect(buckets).toEqual([
      { key: 'claim/department:legal', period: 'month', limitUsd: 500 },
      { key: 'user:alice', period: 'day', limitUsd: 5 },
      { key: 'model:gpt-4o', period: 'week', limitUsd: 50 },
      { key: 'global', period: 'total', limitUsd: 1e4 },
    ]);
    expect(budgetBuckets([budget('user', 'day', 5)], ANONYMOUS, 'gpt-4o')).toEqual([]);
  });
});
