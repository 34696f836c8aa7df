import type { UsageRecord } from '../../src/store/usage-records.js';

/** A complete, plausible usage record; override what a test cares about. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    time: new Date('2025-03-01T12:00:00.123Z'),
    requestId: 'req-1',
    endpoint: 'chat',
    modelGroup: 'gpt-4o',
    deployment: 'openai/gpt-4o',
    provider: 'openai',
    upstreamModel: 'gpt-4o-2024-08-06',
    stream: false,
    inputTokens: 120,
    outputTokens: 48,
    costUsd: 0.00078,
    latencyMs: 812,
    upstreamLatencyMs: 790,
    status: 200,
    errorCode: null,
    principal: 'key_abc',
    overheadMs: 1.25,
    team: null,
    ...overrides,
  };
}
