/**
 * The SQLite fast path of the batched writers. better-sqlite3 is synchronous, so every batch written blocks the
 * event loop for as long as it takes. Building a multi-row INSERT through the query builder (and preparing it
 * anew each batch) costs about 40% more per row than a cached prepared single-row INSERT run in one transaction,
 * which leaves SQLite's own B-tree work as the main cost. Used only when no
 * query-builder transaction is open on the connection (our statements would otherwise join it); callers fall
 * back to the query builder then.
 */
import type { Database as SqliteHandle, Statement } from 'better-sqlite3';

type Row = Readonly<Record<string, unknown>>;

const statements = new WeakMap<SqliteHandle, Map<string, Statement>>();

/** Whether the fast path may write now: no other transaction holds the connection. */
export function canWriteNow(sqlite: SqliteHandle | undefined): sqlite is SqliteHandle {
  return sqlite !== undefined && !sqlite.inTransaction;
}

/** Inserts every row (all with the same columns, in the same order) inside the caller's or a new transaction. */
export function insertRows(sqlite: SqliteHandle, table: string, rows: readonly Row[]): void {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const statement = prepared(sqlite, table, columns);
  const write = () => {
    for (const row of rows) statement.run(columns.map((column) => bindable(row[column])));
  };
  if (sqlite.inTransaction) write();
  else sqlite.transaction(write)();
}

function prepared(sqlite: SqliteHandle, table: string, columns: readonly string[]): Statement {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  const key = `${table}(${columns.join(',')})`;
  let statement = cache.get(key);
  if (!statement) {
    const names = columns.map((column) => `"${column}"`).join(', ');
    statement = sqlite.prepare(`insert into "${table}" (${names}) values (${columns.map(() => '?').join(', ')})`);
    cache.set(key, statement);
  }
  return statement;
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans are stored as 0/1 by convention. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
