/**
 * Concurrent requests against one budget through one or more ledgers (replicas), and the overspend bound they
 * must respect: final spend ≤ limit + Σ max(0, actual − estimate) over the requests in flight when the last
 * request was admitted. Which admission was last in the ledger's own order is not observable from outside, so
 * the bound is taken over every admission j, with "in flight at j" over-approximated from event order: i was
 * sent before j's reply and i's settlement finished after j was sent. That only widens the set, so the test is
 * sound; with actual ≤ estimate the bound is the limit itself.
 */
import type { BudgetLedger } from '../../src/budgets/index.js';
import { T0 } from './ledger-contract.js';

export interface ConcurrentSpend {
  limitUsd: number;
  estimateUsd: number;
  /** Workers running at once, each reserving, waiting a little and settling until it is refused. */
  requests: number;
  /** Actual cost is estimate × (1 + up to this fraction); 0 means actual = estimate × [0.5, 1]. */
  overrun: number;
}

interface Trace {
  sent: number;
  replied: number;
  settled: number;
  excess: number;
}

export async function concurrentSpend(ledgers: readonly BudgetLedger[], spec: ConcurrentSpend) {
  const bucket = { key: `user:concurrent-${Math.random().toString(36).slice(2)}`, period: 'month', limitUsd: spec.limitUsd } as const;
  let clock = 0;
  const traces: Trace[] = [];
  const worker = async (index: number): Promise<void> => {
    const ledger = ledgers[index % ledgers.length]!;
    for (;;) {
      const sent = (clock += 1);
      const result = await ledger.reserve([bucket], spec.estimateUsd, T0);
      if (!result.ok) return;
      const replied = (clock += 1);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      const factor = spec.overrun === 0 ? 0.5 + Math.random() / 2 : 1 + Math.random() * spec.overrun;
      const actual = Math.round(spec.estimateUsd * factor * 1e6) / 1e6;
      await ledger.settle(result.reservation, actual);
      traces.push({ sent, replied, settled: (clock += 1), excess: Math.max(0, actual - spec.estimateUsd) });
    }
  };
  await Promise.all(Array.from({ length: spec.requests }, (_, i) => worker(i)));
  let boundUsd = 0;
  for (const j of traces) {
    let excess = 0;
    for (const i of traces) if (i.sent < j.replied && i.settled > j.sent) excess += i.excess;
    boundUsd = Math.max(boundUsd, excess);
  }
  return { admitted: traces.length, spentUsd: await ledgers[0]!.spent(bucket.key, 'month', T0), boundUsd };
}

/** 50 (or n) reservations sent at once and nothing settled: exactly ⌊limit / estimate⌋ may be admitted. */
export async function simultaneousReservations(ledgers: readonly BudgetLedger[], limitUsd: number, estimateUsd: number, n: number) {
  const bucket = { key: `team:simultaneous-${Math.random().toString(36).slice(2)}`, period: 'day', limitUsd } as const;
  const results = await Promise.all(Array.from({ length: n }, (_, i) => ledgers[i % ledgers.length]!.reserve([bucket], estimateUsd, T0)));
  const admitted = results.filter((result) => result.ok);
  await Promise.all(results.map((result, i) => (result.ok ? ledgers[i % ledgers.length]!.settle(result.reservation, estimateUsd) : undefined)));
  return { admitted: admitted.length, spentUsd: await ledgers[0]!.spent(bucket.key, 'day', T0) };
}
