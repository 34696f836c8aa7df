import type { Database as SqliteHandle } from 'better-sqlite3';
import { Kysely, sql, type Dialect } from 'kysely';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrate.js';
import { parseStoreUrl, type StoreDialect, type StoreLocation } from './store-url.js';
import { PROCESS_WARNING_LOGGER, type StoreLogger } from './store-logger.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * The SQLite connection itself, for the batched writers' fast path (prepared statements, no query building);
   * undefined on Postgres. Everything else goes through `db`.
   */
  readonly sqlite: SqliteHandle | undefined;
  /** Runs a trivial query; rejects when the database cannot answer (used by `/readyz`). */
  ping(): Promise<void>;
  /** Closes the connection or pool; later calls return the same promise. Close writers that use it first. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  logger?: StoreLogger;
}

/**
 * Opens the database named by `storage.url` and applies pending migrations before returning, so callers always
 * see the current schema. Each backend's driver is loaded only when used: a SQLite install never loads pg.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  const logger = options.logger ?? PROCESS_WARNING_LOGGER;
  const { dialect, sqlite } = await createDialect(location, logger);
  const db = new Kysely<Database>({ dialect });
  try {
    await migrateToLatest(db as Kysely<unknown>, location.dialect);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect: location.dialect,
    sqlite,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    // Idempotent: shutdown paths (SIGTERM, then SIGINT) may both call it, and pg rejects a second pool.end().
    close: () => (closing ??= db.destroy()),
  };
}

async function createDialect(location: StoreLocation, logger: StoreLogger): Promise<{ dialect: Dialect; sqlite: SqliteHandle | undefined }> {
  if (location.dialect === 'sqlite') {
    const { createSqliteDialect } = await import('./sqlite.js');
    const { dialect, database } = createSqliteDialect(location.filename, logger);
    return { dialect, sqlite: database };
  }
  const { createPostgresDialect } = await import('./postgres.js');
  return { dialect: createPostgresDialect(location.connectionString, logger), sqlite: undefined };
}
