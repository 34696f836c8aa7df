/**
 * The behaviour every rate-limit backend must show, driven through an injected clock: the memory backend and the
 * Redis backend (with the caller's clock) run this same suite.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Admission, Admitted, LimitBackend, LimitBucket, Refused } from '../../src/limits/index.js';

/** The start of a fixed minute. */
export const T0 = 28_333_334 * 60_000;

export interface ContractFixture {
  /** A backend reading `clock()`, with state no other test sees. */
  make(clock: () => number): Promise<LimitBackend>;
}

export function admitted(admission: Admission): Admitted {
  if (admission.kind !== 'admitted') throw new Error(`expected an admission, got ${JSON.stringify(admission)}`);
  return admission;
}

export function refused(admission: Admission): Refused {
  if (admission.kind !== 'refused') throw new Error(`expected a refusal, got ${admission.kind}`);
  return admission;
}

async function admitMany(backend: LimitBackend, buckets: readonly LimitBucket[], count: number, tokens = 0): Promise<number> {
  let taken = 0;
  for (let i = 0; i < count; i += 1) if ((await backend.admit(buckets, { tokens })).kind === 'admitted') taken += 1;
  return taken;
}

export function limitBackendContract(name: string, fixture: ContractFixture): void {
  describe(name, () => {
    let now = T0;
    let backend: LimitBackend;
    beforeEach(async () => {
      now = T0;
      backend = await fixture.make(() => now);
      return () => backend.close();
    });
    const user: LimitBucket = { key: 'user:alice', rpm: 30 };

    it('admits exactly rpm requests in one minute, then refuses with the bucket, the limit and the wait', async () => {
      expect(await admitMany(backend, [user], 30)).toBe(30);
      const refusal = refused(await backend.admit([user], { tokens: 0 }));
      expect(refusal).toMatchObject({ bucket: 'user:alice', limit: 'requests', exceedsLimit: false });
      // 30 counted now: the next minute starts with all 30 weighted in, 1/30 of them gone after 2s.
      expect(refusal.retryAfterMs).toBe(62_000);
      now += 61_999;
      expect((await backend.admit([user], { tokens: 0 })).kind).toBe('refused');
      now += 1;
      expect((await backend.admit([user], { tokens: 0 })).kind).toBe('admitted');
      expect((await backend.admit([user], { tokens: 0 })).kind).toBe('refused');
    });

    it('slides over the minute boundary: a burst at 59.999s still counts a moment later', async () => {
      now = T0 + 59_999;
      expect(await admitMany(backend, [user], 40)).toBe(30);
      now = T0 + 60_000;
      const refusal = refused(await backend.admit([user], { tokens: 0 }));
      expect(refusal.retryAfterMs).toBe(2_000);
      now += refusal.retryAfterMs - 1;
      expect((await backend.admit([user], { tokens: 0 })).kind).toBe('refused');
      now += 1;
      expect(await admitMany(backend, [user], 5)).toBe(1);
      now = T0 + 180_000;
      expect(await admitMany(backend, [user], 40)).toBe(30);
    });

    it('reports limit, remaining and reset per bucket', async () => {
      now = T0 + 15_000;
      const { status } = admitted(await backend.admit([{ key: 'team:ml', rpm: 10, tpm: 1_000 }], { tokens: 250 }));
      expect(status).toEqual([{
        key: 'team:ml',
        requests: { limit: 10, remaining: 9, resetMs: 105_000 },
        tokens: { limit: 1_000, remaining: 750, resetMs: 105_000 },
        concurrent: undefined,
      }]);
    });

    it('admits tokens on the estimate and refunds the unused part at settlement', async () => {
      const tokens: LimitBucket = { key: 'user:bob', tpm: 1_000 };
      const first = admitted(await backend.admit([tokens], { tokens: 600 }));
      const refusal = refused(await backend.admit([tokens], { tokens: 600 }));
      expect(refusal).toMatchObject({ bucket: 'user:bob', limit: 'tokens' });
      await backend.settle(first.ticket, { tokens: 100 });
      const second = admitted(await backend.admit([tokens], { tokens: 600 }));
      expect(second.status[0]!.tokens!.remaining).toBe(300);
    });

    it('charges usage beyond the estimate', async () => {
      const tokens: LimitBucket = { key: 'user:carol', tpm: 1_000 };
      const first = admitted(await backend.admit([tokens], { tokens: 100 }));
      await backend.settle(first.ticket, { tokens: 900 });
      expect(refused(await backend.admit([tokens], { tokens: 200 })).limit).toBe('tokens');
      expect(admitted(await backend.admit([tokens], { tokens: 100 })).status[0]!.tokens!.remaining).toBe(0);
    });

    it('refunds into the minute of admission after the window moved on', async () => {
      const tokens: LimitBucket = { key: 'user:dave', tpm: 1_000 };
      now = T0 + 50_000;
      const first = admitted(await backend.admit([tokens], { tokens: 1_000 }));
      now = T0 + 90_000; // half of the previous minute still weighs: 500 of the 1000
      expect(refused(await backend.admit([tokens], { tokens: 600 })).limit).toBe('tokens');
      await backend.settle(first.ticket, { tokens: 0 });
      expect(admitted(await backend.admit([tokens], { tokens: 1_000 })).status[0]!.tokens!.remaining).toBe(0);
    });

    it('refuses for good a request larger than the token limit', async () => {
      const refusal = refused(await backend.admit([{ key: 'user:erin', tpm: 1_000 }], { tokens: 1_001 }));
      expect(refusal).toMatchObject({ limit: 'tokens', exceedsLimit: true, retryAfterMs: 0 });
    });

    it('holds concurrent slots until settlement, and frees each only once', async () => {
      const slots: LimitBucket = { key: 'key:k1', concurrent: 2 };
      const a = admitted(await backend.admit([slots], { tokens: 0 }));
      admitted(await backend.admit([slots], { tokens: 0 }));
      expect(refused(await backend.admit([slots], { tokens: 0 }))).toMatchObject({ limit: 'concurrent', retryAfterMs: 1_000 });
      await backend.settle(a.ticket, { tokens: 0 });
      await backend.settle(a.ticket, { tokens: 0 });
      const c = admitted(await backend.admit([slots], { tokens: 0 }));
      expect(c.status[0]!.concurrent).toEqual({ limit: 2, inFlight: 2 });
      expect((await backend.admit([slots], { tokens: 0 })).kind).toBe('refused');
    });

    it('takes all buckets or none', async () => {
      const wide: LimitBucket = { key: 'global', rpm: 5, concurrent: 5 };
      const narrow: LimitBucket = { key: 'user:frank', rpm: 2 };
      expect(await admitMany(backend, [wide, narrow], 4)).toBe(2);
      // The two refusals counted nothing in `global`: three requests and three slots are left there.
      expect(await admitMany(backend, [wide], 4)).toBe(3);
    });

    it('names the bucket that frees up last when several refuse', async () => {
      now = T0 - 30_000;
      const early: LimitBucket = { key: 'user:gina', rpm: 1 };
      admitted(await backend.admit([early], { tokens: 0 }));
      now = T0 + 45_000;
      const late: LimitBucket = { key: 'team:data', rpm: 1 };
      admitted(await backend.admit([late], { tokens: 0 }));
      const refusal = refused(await backend.admit([early, late], { tokens: 0 }));
      expect(refusal.bucket).toBe('team:data');
      // gina's request was counted last minute and is forgotten in 15s; data's, this minute, only after the next one.
      expect(refusal.retryAfterMs).toBe(75_000);
    });
  });
}
