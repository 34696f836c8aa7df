import { Kysely, sql, type Dialect } from 'kysely';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrate.js';
import { parseStoreUrl, type StoreDialect, type StoreLocation } from './store-url.js';
import { PROCESS_WARNING_LOGGER, type StoreLogger } from './store-logger.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
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
  const db = new Kysely<Database>({ dialect: await createDialect(location, logger) });
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
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    // Idempotent: shutdown paths (SIGTERM, then SIGINT) may both call it, and pg rejects a second pool.end().
    close: () => (closing ??= db.destroy()),
  };
}

async function createDialect(location: StoreLocation, logger: StoreLogger): Promise<Dialect> {
  if (location.dialect === 'sqlite') {
    const { createSqliteDialect } = await import('./sqlite.js');
    return createSqliteDialect(location.filename, logger);
  }
  const { createPostgresDialect } = await import('./postgres.js');
  return createPostgresDialect(location.connectionString, logger);
}
