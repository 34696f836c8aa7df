import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store-url.js';

/**
 * The audit log: `audit_records`, a hash chain with one row per request, and `audit_checkpoints`, where retention
 * leaves the seq and hash of the last record it deleted. `seq` is assigned by the writer (not generated), because
 * it is part of each record's hash; on SQLite an `integer primary key` is the rowid itself, on Postgres
 * it is a `bigint` (an int4 would run out after two billion requests).
 */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('audit_records')
    .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'bigint', (col) => col.primaryKey())
    .addColumn('hash', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'text', (col) => col.notNull())
    .addColumn('time', 'bigint', (col) => col.notNull())
    .addColumn('request_id', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('email', 'text')
    .addColumn('groups', 'text', (col) => col.notNull())
    .addColumn('auth_method', 'text', (col) => col.notNull())
    .addColumn('key_id', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('model', 'text')
    .addColumn('deployment', 'text')
    .addColumn('provider', 'text')
    .addColumn('region', 'text')
    .addColumn('decision', 'text')
    .addColumn('matched_rules', 'text', (col) => col.notNull())
    .addColumn('deny_reason', 'text')
    .addColumn('status', 'integer', (col) => col.notNull())
    .addColumn('input_tokens', 'integer', (col) => col.notNull())
    .addColumn('output_tokens', 'integer', (col) => col.notNull())
    .addColumn('cost_usd', 'double precision', (col) => col.notNull())
    .addColumn('latency_ms', 'integer', (col) => col.notNull())
    .addColumn('upstream_latency_ms', 'integer')
    .addColumn('error_type', 'text')
    .addColumn('prompt', 'text')
    .addColumn('completion', 'text')
    .execute();
  // Filters of the admin API; every listing is ordered by seq, the primary key.
  for (const column of ['time', 'subject', 'email', 'model', 'request_id']) {
    await db.schema.createIndex(`audit_records_${column}_idx`).on('audit_records').column(column).execute();
  }
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'bigint', (col) => col.primaryKey())
    .addColumn('hash', 'text', (col) => col.notNull())
    .addColumn('pruned_at', 'bigint', (col) => col.notNull())
    .addColumn('deleted', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  await db.schema.dropTable('audit_records').execute();
}
