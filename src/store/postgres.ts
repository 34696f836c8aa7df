import { PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StoreLogger } from './store-logger.js';

/** Connections per process. Writes are batched, so a few suffice; replicas multiply this on the server. */
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * `int8` arrives as a string by default because it can exceed 2^53. Our `bigint` columns (epoch-ms timestamps,
 * ids) and `count`/`sum` results stay far below that, and SQLite returns them as numbers, so parse them to numbers
 * here and both backends hand repositories the same types. Scoped to this pool, not pg's global parser table.
 */
function storeTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, 'text', (value: string) => Number(value));
  return types;
}

/** A pg pool for the URL. Query parameters such as `sslmode` or `options=-c search_path=…` are honoured by pg. */
export function createPostgresDialect(connectionString: string, logger: StoreLogger): PostgresDialect {
  const pool = new pg.Pool({
    connectionString,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: storeTypes(),
  });
  // An idle client that loses its connection (server restart, network cut) emits here; the pool discards it and
  // opens a fresh one on demand. Without a listener the process would crash.
  pool.on('error', (err) => logger.warn({ err }, 'postgres idle connection failed; it will be replaced'));
  return new PostgresDialect({ pool });
}
