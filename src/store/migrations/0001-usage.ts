import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store-url.js';

/** The `usage_records` table: one row per LLM request, written in batches off the response path. */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('usage_records')
    // SQLite's AUTOINCREMENT and Postgres's identity both keep ids increasing and never reuse them, so an id can
    // later serve as a stable pagination cursor.
    .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (col) =>
      dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('time', 'bigint', (col) => col.notNull())
    .addColumn('request_id', 'text', (col) => col.notNull())
    .addColumn('endpoint', 'text', (col) => col.notNull())
    .addColumn('model_group', 'text', (col) => col.notNull())
    .addColumn('deployment', 'text')
    .addColumn('provider', 'text')
    .addColumn('upstream_model', 'text')
    .addColumn('stream', 'integer', (col) => col.notNull())
    .addColumn('input_tokens', 'integer', (col) => col.notNull())
    .addColumn('output_tokens', 'integer', (col) => col.notNull())
    .addColumn('cost_usd', 'double precision', (col) => col.notNull())
    .addColumn('latency_ms', 'integer', (col) => col.notNull())
    .addColumn('upstream_latency_ms', 'integer')
    .addColumn('status', 'integer', (col) => col.notNull())
    .addColumn('error_code', 'text')
    .addColumn('principal', 'text')
    .execute();
  await db.schema.createIndex('usage_records_time_idx').on('usage_records').column('time').execute();
  await db.schema.createIndex('usage_records_request_id_idx').on('usage_records').column('request_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_records').execute();
}
