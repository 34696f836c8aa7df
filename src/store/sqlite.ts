import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { StoreLogger } from './store-logger.js';

/** How long a writer waits for another connection's lock (another process on the same file) before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the SQLite file (creating its folder) and tunes it for a gateway: WAL so readers (admin queries) never
 * block the batched writer, `synchronous = NORMAL` which is crash-safe under WAL and much cheaper than FULL
 * (a power loss may drop the last few committed batches, never corrupt the file), a busy timeout for other
 * processes on the same file, and foreign keys enforced.
 */
export function createSqliteDialect(filename: string, logger: StoreLogger): { dialect: SqliteDialect; database: Database.Database } {
  if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
  const database = new Database(filename);
  try {
    const mode: unknown = database.pragma('journal_mode = WAL', { simple: true });
    // An in-memory database reports "memory"; a file on a filesystem without shared memory may refuse WAL.
    if (filename !== ':memory:' && mode !== 'wal') {
      logger.warn({ filename, journalMode: mode }, 'sqlite refused WAL journal mode; readers may block writers');
    }
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return { dialect: new SqliteDialect({ database }), database };
}
