/** The `spend_daily` table, as Kysely sees it (see src/store/schema.ts for the conventions). */

/**
 * What one dimension value spent on one day: requests, tokens and cost, summed. Rows are only ever incremented
 * (upserts from batches of completed requests), so replicas can write the same row concurrently.
 */
export interface SpendDailyTable {
  /** The local date in the budget time zone, `YYYY-MM-DD`. */
  day: string;
  /** `user`, `team`, `key`, `model` or `claim/<path>`. */
  dimension: string;
  /** The subject, team, key id, model group or claim value. */
  value: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  /** Sum of per-request costs each rounded to whole micro-dollars, as the budget ledger charges them. */
  cost_usd: number;
}
