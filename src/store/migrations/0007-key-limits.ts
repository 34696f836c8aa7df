import type { Kysely } from 'kysely';

/**
 * A key's own rate limits and budgets, set by administrators: JSON arrays of the same shapes as a team's
 * (`[{rpm?, tpm?, concurrent?}]`, `[{usd, period}]`), counted in the key's bucket. Existing keys get `[]` (no limit
 * of their own). One column per statement: SQLite's ALTER TABLE adds a single column at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('limits', 'text', (col) => col.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('api_keys').addColumn('budgets', 'text', (col) => col.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('budgets').execute();
  await db.schema.alterTable('api_keys').dropColumn('limits').execute();
}
