/** Reading spend aggregates: totals per value of one dimension over a range of days. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SpendDimension } from './dimensions.js';

export interface SpendQuery {
  readonly groupBy: SpendDimension;
  /** First day, `YYYY-MM-DD` in the budget time zone, included. */
  readonly from: string;
  /** Last day, included. */
  readonly to: string;
  /** At most this many rows, the biggest spenders (default 100). */
  readonly limit?: number;
}

export interface SpendRow {
  readonly value: string;
  readonly requests: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
}

const DEFAULT_LIMIT = 100;

/** Rows by cost, highest first (ties by value, so the order is stable). */
export async function querySpend(db: Kysely<Database>, query: SpendQuery): Promise<SpendRow[]> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const rows = await db
    .selectFrom('spend_daily')
    .where('dimension', '=', query.groupBy)
    .where('day', '>=', query.from)
    .where('day', '<=', query.to)
    .groupBy('value')
    .select([
      'value',
      // Postgres sums bigints as numeric (a string in pg); cast back to int8, which the store parses to a number.
      sql<number>`cast(sum(requests) as bigint)`.as('requests'),
      sql<number>`cast(sum(input_tokens) as bigint)`.as('input_tokens'),
      sql<number>`cast(sum(output_tokens) as bigint)`.as('output_tokens'),
      sql<number>`sum(cost_usd)`.as('cost_usd'),
    ])
    .orderBy('cost_usd', 'desc')
    .orderBy('value', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, requests: Number(row.requests), input_tokens: Number(row.input_tokens), output_tokens: Number(row.output_tokens), cost_usd: roundMicros(Number(row.cost_usd)) }));
}

/** Total cost per value of a dimension over a range of days (no limit), for rebuilding the budget ledger. */
export async function costByValue(db: Kysely<Database>, dimension: string, from: string | undefined, to: string): Promise<Map<string, number>> {
  let select = db.selectFrom('spend_daily').where('dimension', '=', dimension).where('day', '<=', to);
  if (from !== undefined) select = select.where('day', '>=', from);
  const rows = await select.groupBy('value').select(['value', sql<number>`sum(cost_usd)`.as('cost_usd')]).execute();
  return new Map(rows.map((row) => [row.value, roundMicros(Number(row.cost_usd))]));
}

/** Every stored cost is whole micro-dollars; summing doubles may leave a trace of float error, removed here. */
function roundMicros(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
