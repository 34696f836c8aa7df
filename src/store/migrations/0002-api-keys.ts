import type { Kysely } from 'kysely';

/**
 * The `api_keys` table: virtual (service) and personal API keys. A key itself is never stored, only its keyed hash
 * (looked up through a unique index) and a short visible prefix that identifies it in lists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('prefix', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('owner_user', 'text')
    .addColumn('owner_team', 'text')
    .addColumn('allowed_models', 'text')
    .addColumn('metadata', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('identity', 'text')
    .execute();
  await db.schema.createIndex('api_keys_owner_user_idx').on('api_keys').column('owner_user').execute();
  await db.schema.createIndex('api_keys_created_at_idx').on('api_keys').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
}
