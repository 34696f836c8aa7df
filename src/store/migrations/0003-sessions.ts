import type { Kysely } from 'kysely';

/**
 * Browser sign-in state, shared by every replica through the store:
 * - `sessions`: one row per signed-in browser, keyed by a SHA-256 of the cookie's random id (never the id);
 * - `sign_in_attempts`: a sign-in between the redirect to the IdP and its callback, keyed by a hash of `state`
 *   and deleted when the callback takes it, so a replayed callback finds nothing;
 * - `cli_login_codes`: one-time codes of `gatehouse login`, keyed by a hash of the code, bound to a PKCE challenge.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('identity', 'text', (col) => col.notNull())
    .addColumn('id_token', 'text')
    .addColumn('refresh_token', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('refreshed_at', 'bigint', (col) => col.notNull())
    .addColumn('next_refresh_at', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();
  await db.schema.createIndex('sessions_subject_idx').on('sessions').column('subject').execute();

  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('state_hash', 'text', (col) => col.primaryKey())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sign_in_attempts_created_at_idx').on('sign_in_attempts').column('created_at').execute();

  await db.schema
    .createTable('cli_login_codes')
    .addColumn('code_hash', 'text', (col) => col.primaryKey())
    .addColumn('code_challenge', 'text', (col) => col.notNull())
    .addColumn('identity', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cli_login_codes').execute();
  await db.schema.dropTable('sign_in_attempts').execute();
  await db.schema.dropTable('sessions').execute();
}
