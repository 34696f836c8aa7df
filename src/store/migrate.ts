import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import type { StoreDialect } from './store-url.js';

/** Hands Kysely's migrator the in-code list, with the dialect bound into each step. */
class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: StoreDialect) {}

  getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const [name, migration] of MIGRATIONS) {
      const { dialect } = this;
      const down = migration.down;
      migrations[name] = {
        up: (db) => migration.up(db, dialect),
        ...(down ? { down: (db: Kysely<unknown>) => down(db, dialect) } : {}),
      };
    }
    return Promise.resolve(migrations);
  }
}

/**
 * Applies every pending migration. Safe to run at every start and from several processes at once: Kysely records
 * applied migrations in `kysely_migration` and serialises runners with a lock (an advisory lock on Postgres).
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const migrationTableSchema = dialect === 'postgres' ? await currentSchema(db) : undefined;
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect), migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? '(before any step)'} failed: ${messageOf(error)}`, { cause: error });
  }
}

/**
 * The schema unqualified names resolve to (the first existing one on `search_path`). Kysely must be told it:
 * otherwise it looks for its bookkeeping tables in every schema, and a `kysely_migration` table belonging to
 * another application (or another schema's gateway) would make it skip creating ours.
 */
async function currentSchema(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('postgres has no current schema: no schema on search_path exists');
  return schema;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
