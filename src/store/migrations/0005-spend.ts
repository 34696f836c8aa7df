import type { Kysely } from 'kysely';

/**
 * `spend_daily`: daily spend per dimension value. The primary key (dimension, day, value) is the upsert's
 * conflict target and also serves every read, which selects one dimension over a range of days. Counts are
 * `bigint`: a busy model's daily tokens outgrow a 32-bit integer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spend_daily')
    .addColumn('dimension', 'text', (col) => col.notNull())
    .addColumn('day', 'text', (col) => col.notNull())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('requests', 'bigint', (col) => col.notNull())
    .addColumn('input_tokens', 'bigint', (col) => col.notNull())
    .addColumn('output_tokens', 'bigint', (col) => col.notNull())
    .addColumn('cost_usd', 'double precision', (col) => col.notNull())
    .addPrimaryKeyConstraint('spend_daily_pk', ['dimension', 'day', 'value'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('spend_daily').execute();
}
