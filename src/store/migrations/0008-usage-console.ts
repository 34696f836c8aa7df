import type { Kysely } from 'kysely';

/**
 * What the console's usage charts need from `usage_records` beyond the columns of 0001:
 * - `overhead_ms`: the gateway's own time, as the pipeline measured it. It cannot be derived from the other
 *   columns: for a stream, `latency_ms` runs to the last chunk while the overhead stops at the first byte.
 *   Fractional (the overhead is often below a millisecond); null on rows written before this migration.
 * - `team`: the caller's team when the request was made, so usage by team survives later membership changes.
 * - an index on (principal, time), for a person's own usage over a window.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('usage_records').addColumn('overhead_ms', 'double precision').execute();
  await db.schema.alterTable('usage_records').addColumn('team', 'text').execute();
  await db.schema.createIndex('usage_records_principal_time_idx').on('usage_records').columns(['principal', 'time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('usage_records_principal_time_idx').execute();
  await db.schema.alterTable('usage_records').dropColumn('team').execute();
  await db.schema.alterTable('usage_records').dropColumn('overhead_ms').execute();
}
