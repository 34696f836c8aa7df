import type { SpendRecord } from '../../src/spend/index.js';

/** A completed request by alice of team ml (department legal) on gpt-4o; override what a test cares about. */
export function spendRecord(overrides: Partial<SpendRecord> = {}): SpendRecord {
  return {
    time: new Date('2026-11-26T12:00:00Z'),
    principal: { subject: 'alice', team: 'ml', keyId: undefined, claims: { department: 'legal', org: { unit: 'emea' } } },
    model: 'gpt-4o',
    usage: { inputTokens: 100, outputTokens: 20 },
    costUsd: 0.01,
    ...overrides,
  };
}
