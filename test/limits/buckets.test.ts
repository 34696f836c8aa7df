/** From bound limits to buckets: one per key, strictest limits, dimensions the principal lacks left out. */
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import { mergeBuckets, policyBuckets } from '../../src/limits/index.js';
import type { BoundLimit } from '../../src/policy/obligations.js';

const alice: Principal = { ...ANONYMOUS, authenticated: true, authMethod: 'jwt', subject: 'alice', claims: { department: 'legal' } };
const limit = (per: BoundLimit['per'], values: Partial<BoundLimit>): BoundLimit => ({ rule: 'r', per, rpm: undefined, tpm: undefined, concurrent: undefined, ...values });

describe('limit buckets', () => {
  it('merges limits bound to one bucket by several rules, keeping the lowest of each', () => {
    expect(mergeBuckets([{ key: 'user:alice', rpm: 60 }, { key: 'global', rpm: 1_000 }, { key: 'user:alice', rpm: 30, tpm: 5_000 }])).toEqual([
      { key: 'user:alice', rpm: 30, tpm: 5_000, concurrent: undefined },
      { key: 'global', rpm: 1_000 },
    ]);
  });

  it('builds buckets from policy, leaving out dimensions the principal has no value for', () => {
    const limits = [limit('user', { rpm: 60 }), limit('team', { rpm: 10 }), limit('claim/department', { tpm: 100 }), limit('model', { concurrent: 2 })];
    expect(policyBuckets(limits, alice, 'gpt-4o')).toEqual([
      { key: 'user:alice', rpm: 60, tpm: undefined, concurrent: undefined },
      { key: 'claim/department:legal', rpm: undefined, tpm: 100, concurrent: undefined },
      { key: 'model:gpt-4o', rpm: undefined, tpm: undefined, concurrent: 2 },
    ]);
  });
});
