/**
 * Serialises everything that extends or shortens the chain (appending a batch, pruning), across every process
 * that shares the database, so several gateway replicas still build one chain with no fork and no gap.
 */
import type { Database as SqliteHandle } from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { StoreDialect } from '../store/store-url.js';

/** What the audit writer and retention need of a `Store`. */
export interface AuditStore {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** The SQLite connection, when the store is SQLite: appends then take the synchronous fast path. */
  readonly sqlite?: SqliteHandle | undefined;
}

/** First half of the Postgres advisory lock key; the second is the audit table's oid (one lock per schema). */
const ADVISORY_LOCK_CLASS = 0x61756474; // "audt"

/**
 * Runs `work` in a write transaction that holds the chain lock until it commits or rolls back.
 *
 * Postgres: a transaction-scoped advisory lock keyed by the table's oid, so gateways sharing one schema wait for
 * each other, while separate schemas (separate gateways) do not. Plain reads never wait for it.
 *
 * SQLite: `BEGIN IMMEDIATE` takes the database's write lock before the chain head is read. Kysely's own
 * transactions send a deferred `BEGIN`, whose read-then-write upgrade fails with SQLITE_BUSY when another process
 * wrote in between; with IMMEDIATE a second process waits (up to the store's busy timeout) instead. Within one
 * process, Kysely's single SQLite connection already runs one transaction at a time. (Two stores on one file in
 * one process would stall each other for the whole busy timeout, since better-sqlite3 waits synchronously and the
 * lock holder cannot run meanwhile; the gateway opens one store per process.)
 */
export async function withChainLock<T>(store: AuditStore, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres') {
    return store.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(ADVISORY_LOCK_CLASS)}, 'audit_records'::regclass::oid::int)`.execute(trx);
      return work(trx);
    });
  }
  return store.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined); // a failed commit can leave it open
      throw error;
    }
  });
}
