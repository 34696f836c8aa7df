import type { Kysely } from 'kysely';

/**
 * The directory of people and teams:
 * - `users`: one row per person, created at their first sign-in (browser or bearer JWT) from their claims;
 * - `teams`: a team's allowed models, limits and budgets (JSON columns, read and written by the repository only);
 * - `team_members`: which subjects belong to which team. A member need not have signed in yet, so there is no
 *   foreign key to `users`; deleting a team deletes its memberships in the same transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('subject', 'text', (col) => col.primaryKey())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('groups', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('blocked_at', 'bigint')
    .addColumn('blocked_reason', 'text')
    .addColumn('limits', 'text')
    .addColumn('budgets', 'text')
    .execute();
  // Email-prefix search compares lower(email); the index keeps the filter cheap on SQLite and serves equality on
  // Postgres.
  await db.schema.createIndex('users_email_idx').on('users').column('email').execute();

  await db.schema
    .createTable('teams')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('allowed_models', 'text')
    .addColumn('limits', 'text', (col) => col.notNull())
    .addColumn('budgets', 'text', (col) => col.notNull())
    .addColumn('metadata', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('added_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'subject'])
    .execute();
  await db.schema.createIndex('team_members_subject_idx').on('team_members').column('subject').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('team_members').execute();
  await db.schema.dropTable('teams').execute();
  await db.schema.dropTable('users').execute();
}
