/** OpenAI's rate-limit headers, as SDKs read them. */
import { describe, expect, it } from 'vitest';
import { formatResetDuration, MemoryLimitBackend, rateLimitHeaders } from '../../src/limits/index.js';
import { T0 } from './backend-contract.js';

describe('rate-limit headers', () => {
  it('writes durations as OpenAI does (Go notation)', () => {
    expect([0, 0.2, 20, 999, 1_000, 1_500, 1_010, 59_999, 60_000, 360_000, 61_500, 3_600_000, 3_723_000].map(formatResetDuration))
      .toEqual(['0s', '1ms', '20ms', '999ms', '1s', '1.5s', '1.01s', '59.999s', '1m0s', '6m0s', '1m1.5s', '1h0m0s', '1h2m3s']);
  });

  it('shows, for requests and for tokens, the bucket with the fewest remaining', async () => {
    const backend = new MemoryLimitBackend({ clock: () => T0 + 30_000 });
    const admission = await backend.admit([{ key: 'user:a', rpm: 100, tpm: 500 }, { key: 'team:b', rpm: 10, tpm: 10_000 }], { tokens: 200 });
    expect(rateLimitHeaders(admission)).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-reset-requests': '1m30s',
      'x-ratelimit-limit-tokens': '500',
      'x-ratelimit-remaining-tokens': '300',
      'x-ratelimit-reset-tokens': '1m30s',
    });
  });

  it('adds retry-after in seconds, rounded up, and in milliseconds to a refusal', async () => {
    const backend = new MemoryLimitBackend({ clock: () => T0 + 59_000 });
    await backend.admit([{ key: 'user:a', rpm: 1 }], { tokens: 0 });
    const headers = rateLimitHeaders(await backend.admit([{ key: 'user:a', rpm: 1 }], { tokens: 0 }));
    expect(headers).toMatchObject({ 'retry-after': '61', 'retry-after-ms': '61000', 'x-ratelimit-remaining-requests': '0' });
  });

  it('sends no retry-after for a request that can never be admitted, and nothing without per-minute limits', async () => {
    const backend = new MemoryLimitBackend();
    expect(rateLimitHeaders(await backend.admit([{ key: 'user:a', tpm: 10 }], { tokens: 11 }))).not.toHaveProperty('retry-after');
    expect(rateLimitHeaders(await backend.admit([{ key: 'user:a', concurrent: 1 }], { tokens: 0 }))).toEqual({});
    expect(rateLimitHeaders({ kind: 'unavailable', reason: 'down' })).toEqual({});
  });
});
