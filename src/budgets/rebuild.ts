/**
 * Loads the spend of the current periods from the store into a ledger, so a restart resets nothing early: each
 * budget dimension's daily aggregates (spend_daily) are summed over the days of its current period. The ledger
 * only ever raises a bucket to the store's figure (`restore`), so running this against a live Redis ledger is
 * harmless, and running it after Redis lost its data brings the counters back.
 *
 * What it cannot see: requests still queued in a SpendAggregator (flushed on graceful shutdown, lost on a crash),
 * and claim dimensions that the aggregator was not told to record.
 */
import type { Kysely } from 'kysely';
import type { BoundBudget } from '../policy/obligations.js';
import { costByValue } from '../spend/query.js';
import type { Database } from '../store/schema.js';
import type { BudgetLedger, RestoredSpend } from './ledger.js';

/** The budgets to rebuild: every (dimension, period) some policy rule puts a budget on. */
export type RebuildTarget = Pick<BoundBudget, 'per' | 'period'>;

/** Returns how many bucket totals were restored. */
export async function rebuildLedger(db: Kysely<Database>, ledger: BudgetLedger, budgets: readonly RebuildTarget[], now: Date): Promise<number> {
  const today = ledger.calendar.dayKey(now);
  const entries: RestoredSpend[] = [];
  const seen = new Set<string>();
  for (const { per, period } of budgets) {
    if (seen.has(`${per} ${period}`)) continue;
    seen.add(`${per} ${period}`);
    const from = period === 'total' ? undefined : ledger.calendar.window(period, now).firstDay;
    // Every request is counted once under `model`, so the model rows add up to the global spend.
    const totals = await costByValue(db, per === 'global' ? 'model' : per, from, today);
    if (per === 'global') {
      let sum = 0;
      for (const cost of totals.values()) sum += cost;
      entries.push({ key: 'global', period, spentUsd: sum });
      continue;
    }
    for (const [value, spentUsd] of totals) entries.push({ key: `${per}:${value}`, period, spentUsd });
  }
  await ledger.restore(entries, now);
  return entries.length;
}
