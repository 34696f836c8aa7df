/**
 * What every budget ledger must do, run against each backend: reservation and settlement, all-or-nothing
 * reservations, expiry of unsettled reservations, periods, soft limits and restoring from the store.
 */
import { describe, expect, it } from 'vitest';
import { BudgetCalendar, type BudgetLedger, type LedgerOptions, type ReserveResult, type SoftLimitEvent } from '../../src/budgets/index.js';

/**
 * In the future on purpose: Redis drops a key whose expiry (a day after its period) has passed, so a fixed date
 * in the past would make the Redis run fail some day. 2037 has the same calendar as 2026.
 */
export const T0 = new Date('2037-11-26T12:00:00Z');
export const TTL_MS = 60_000;

/** Builds a fresh, empty ledger (its own keys) with these options. */
export type MakeLedger = (options: LedgerOptions) => Promise<BudgetLedger>;

export function options(overrides: Partial<LedgerOptions> = {}): LedgerOptions {
  return { calendar: new BudgetCalendar('Europe/Berlin'), reservationTtlMs: TTL_MS, ...overrides };
}

export function admitted(result: ReserveResult) {
  if (!result.ok) throw new Error(`expected an admission, got a refusal on ${result.bucket}`);
  return result.reservation;
}

const at = (ms: number) => new Date(T0.getTime() + ms);

export function ledgerContract(name: string, make: MakeLedger): void {
  describe(name, () => {
    const legal = { key: 'claim/department:legal', period: 'month', limitUsd: 1 } as const;

    it('counts reservations against the limit and replaces them with the actual cost', async () => {
      const ledger = await make(options());
      const first = admitted(await ledger.reserve([legal], 0.6, T0));
      expect(await ledger.reserve([legal], 0.5, T0)).toEqual({ ok: false, bucket: legal.key, period: 'month', spentUsd: 0, reservedUsd: 0.6, limitUsd: 1, resetsAt: new Date('2037-11-30T23:00:00Z') });
      const settled = await ledger.settle(first, 0.2);
      expect(settled).toEqual([{ key: legal.key, period: 'month', periodKey: '2037-11', spentUsd: 0.2, limitUsd: 1 }]);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(0.2);
      admitted(await ledger.reserve([legal], 0.8, T0)); // 0.2 spent + 0.8 = the limit exactly: allowed
      expect((await ledger.reserve([legal], 0.000001, T0)).ok).toBe(false);
      await ledger.close();
    });

    it('releases a reservation settled at 0 and ignores a second settlement', async () => {
      const ledger = await make(options());
      const reservation = admitted(await ledger.reserve([legal], 1, T0));
      await ledger.settle(reservation, 0);
      expect(await ledger.settle(reservation, 5)).toEqual([]);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(0);
      admitted(await ledger.reserve([legal], 1, T0));
      await ledger.close();
    });

    it('reserves in all buckets or in none', async () => {
      const ledger = await make(options());
      const wide = { key: 'user:alice', period: 'day', limitUsd: 10 } as const;
      const narrow = { key: 'team:ml', period: 'week', limitUsd: 1 } as const;
      const refused = await ledger.reserve([wide, narrow], 2, T0);
      expect(refused).toMatchObject({ ok: false, bucket: 'team:ml', period: 'week', resetsAt: new Date('2037-11-29T23:00:00Z') });
      admitted(await ledger.reserve([wide], 10, T0)); // nothing of the refused request was held in `wide`
      await ledger.close();
    });

    it('charges one counter for the same bucket and period bound twice, under the smaller limit', async () => {
      const ledger = await make(options());
      const reservation = admitted(await ledger.reserve([legal, { ...legal, limitUsd: 2 }], 0.6, T0));
      expect((await ledger.reserve([{ ...legal, limitUsd: 2 }], 0.6, T0)).ok).toBe(true);
      expect((await ledger.reserve([legal, { ...legal, limitUsd: 2 }], 0.6, T0)).ok).toBe(false);
      await ledger.settle(reservation, 0.6);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(0.6);
      await ledger.close();
    });

    it('lets an unsettled reservation expire after its TTL, and still charges a late settlement', async () => {
      const ledger = await make(options());
      const stale = admitted(await ledger.reserve([legal], 0.8, T0));
      expect((await ledger.reserve([legal], 0.5, at(TTL_MS - 1))).ok).toBe(false);
      const fresh = admitted(await ledger.reserve([legal], 0.5, at(TTL_MS)));
      await ledger.settle(stale, 0.3);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(0.3);
      expect((await ledger.reserve([legal], 0.3, at(TTL_MS + 2))).ok).toBe(false); // 0.3 spent + 0.5 held
      await ledger.settle(fresh, 0.5);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(0.8);
      await ledger.close();
    });

    it('keeps periods apart: a new period starts empty, total never resets', async () => {
      const ledger = await make(options());
      const buckets = [{ key: 'user:bob', period: 'day', limitUsd: 1 }, { key: 'user:bob', period: 'month', limitUsd: 5 }, { key: 'user:bob', period: 'total', limitUsd: 100 }] as const;
      await ledger.settle(admitted(await ledger.reserve(buckets, 1, T0)), 1);
      expect((await ledger.reserve(buckets, 0.5, T0)).ok).toBe(false);
      expect(await ledger.spent('user:bob', 'day', T0)).toBe(1);
      const tomorrow = new Date('2037-11-27T00:00:00Z'); // 01:00 in Berlin
      await ledger.settle(admitted(await ledger.reserve(buckets, 0.5, tomorrow)), 0.5);
      expect(await ledger.spent('user:bob', 'day', tomorrow)).toBe(0.5);
      expect(await ledger.spent('user:bob', 'month', tomorrow)).toBe(1.5);
      const nextMonth = new Date('2037-12-01T08:00:00Z');
      expect(await ledger.spent('user:bob', 'month', nextMonth)).toBe(0);
      expect(await ledger.spent('user:bob', 'total', nextMonth)).toBe(1.5);
      const refused = await ledger.reserve([{ key: 'user:bob', period: 'total', limitUsd: 1.5 }], 0.01, nextMonth);
      expect(refused).toMatchObject({ ok: false, spentUsd: 1.5, resetsAt: undefined });
      await ledger.close();
    });

    it('adds amounts exactly, in micro-dollars', async () => {
      const ledger = await make(options());
      for (let i = 0; i < 10; i += 1) await ledger.settle(admitted(await ledger.reserve([legal], 0.1, T0)), 0.1);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(1); // ten float 0.1s add up to 0.9999999999999999
      expect((await ledger.reserve([legal], 0.000001, T0)).ok).toBe(false);
      await ledger.close();
    });

    it('reports a soft-limit crossing once per bucket and period', async () => {
      const events: SoftLimitEvent[] = [];
      const ledger = await make(options({ softLimit: 0.8, onSoftLimit: (event) => events.push(event) }));
      const day = { key: 'key:k1', period: 'day', limitUsd: 1 } as const;
      const spend = async (usd: number, now: Date) => ledger.settle(admitted(await ledger.reserve([day], usd, now)), usd);
      await spend(0.5, T0);
      expect(events).toEqual([]);
      await spend(0.3, T0);
      expect(events).toEqual([{ bucket: 'key:k1', period: 'day', periodKey: '2037-11-26', spentUsd: 0.8, limitUsd: 1, fraction: 0.8 }]);
      await spend(0.1, T0);
      expect(events).toHaveLength(1);
      await spend(0.9, new Date('2037-11-27T12:00:00Z'));
      expect(events.map((event) => event.periodKey)).toEqual(['2037-11-26', '2037-11-27']);
      await ledger.close();
    });

    it('survives a soft-limit callback that throws', async () => {
      const ledger = await make(options({ softLimit: 0.5, onSoftLimit: () => { throw new Error('broken'); } }));
      const settled = await ledger.settle(admitted(await ledger.reserve([legal], 0.9, T0)), 0.9);
      expect(settled[0]?.spentUsd).toBe(0.9);
      await ledger.close();
    });

    it('restores spend from the store as a floor, never lowering it', async () => {
      const ledger = await make(options());
      await ledger.settle(admitted(await ledger.reserve([legal], 0.4, T0)), 0.4);
      await ledger.restore([{ key: legal.key, period: 'month', spentUsd: 0.25 }, { key: 'user:carol', period: 'week', spentUsd: 3.5 }], T0);
      expect(await ledger.spent(legal.key, 'month', T0)).toBe(0.4);
      expect(await ledger.spent('user:carol', 'week', T0)).toBe(3.5);
      expect((await ledger.reserve([{ key: 'user:carol', period: 'week', limitUsd: 4 }], 0.6, T0)).ok).toBe(false);
      await ledger.close();
    });

    it('admits a request with no budgets', async () => {
      const ledger = await make(options());
      const reservation = admitted(await ledger.reserve([], 3, T0));
      expect(await ledger.settle(reservation, 3)).toEqual([]);
      await ledger.close();
    });
  });
}
