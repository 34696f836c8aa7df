/**
 * A percentile as an SQL aggregate on either backend: Postgres's own `percentile_cont(…) within group (order by …)`,
 * and on SQLite an aggregate of the same name and meaning registered on the connection (SQLite has none built
 * in). Computing in the database keeps a 30-day report to a few result rows instead of shipping every request's
 * latency to the process.
 */
import type { Database as SqliteHandle } from 'better-sqlite3';
import { sql, type RawBuilder } from 'kysely';
import type { StoreDialect } from '../store/store-url.js';
import { percentileCont } from './percentile.js';

const SQLITE_FUNCTION = 'gh_percentile_cont';
const registered = new WeakSet<SqliteHandle>();

interface Accumulator {
  values: number[];
  fraction: number;
}

/** Makes `percentileSql` usable on this SQLite connection; a no-op on Postgres and when already done. */
export function preparePercentiles(sqlite: SqliteHandle | undefined): void {
  if (sqlite === undefined || registered.has(sqlite)) return;
  const step = (state: Accumulator, value: unknown, fraction: unknown): Accumulator => {
    if (typeof value === 'number' || typeof value === 'bigint') state.values.push(Number(value));
    state.fraction = Number(fraction);
    return state;
  };
  sqlite.aggregate<Accumulator>(SQLITE_FUNCTION, {
    start: () => ({ values: [], fraction: 0 }),
    // The typings know of one argument per row; SQLite passes every argument of the call (value, fraction).
    step: step as unknown as (state: Accumulator) => Accumulator,
    result: (state) => percentileCont(state.values, state.fraction),
  });
  registered.add(sqlite);
}

/** The `fraction` percentile (0–1) of `column` over each group; nulls are ignored, and no value gives null. */
export function percentileSql(dialect: StoreDialect, column: string, fraction: number): RawBuilder<number | null> {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction must be within 0–1, got ${fraction}`);
  return dialect === 'postgres'
    ? sql<number | null>`percentile_cont(${sql.lit(fraction)}) within group (order by ${sql.ref(column)})`
    : sql<number | null>`${sql.raw(SQLITE_FUNCTION)}(${sql.ref(column)}, ${sql.lit(fraction)})`;
}
