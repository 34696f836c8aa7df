/**
 * The databases every store test runs against: a SQLite file, SQLite in memory, and Postgres when
 * TEST_DATABASE_URL is set. Each `open()` gives a fresh, empty database and a cleanup for it.
 *
 * Postgres isolation: test files run in parallel processes against one database, so each `open()` creates its
 * own schema (`gh_test_<random>`) and returns a URL whose `options` parameter puts that schema first on
 * `search_path`; `cleanup()` drops it. If TEST_DATABASE_URL is set but Postgres cannot be reached, `open()`
 * rejects and the test fails: it is never skipped (a CI run that silently skips Postgres proves nothing).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { StoreDialect } from '../../src/store/store-url.js';

export interface OpenedTestDatabase {
  /** A `storage.url` for the fresh database. */
  url: string;
  cleanup(): Promise<void>;
}

export interface TestDatabase {
  /** Test title, including why it is skipped when it is. */
  name: string;
  dialect: StoreDialect;
  /** False for `:memory:`: each connection gets its own empty database, so reopening cannot see earlier data. */
  persistent: boolean;
  /** Run tests against it only when this is true (`describe.runIf(db.enabled)`). */
  enabled: boolean;
  open(): Promise<OpenedTestDatabase>;
}

export function testDatabases(): TestDatabase[] {
  const postgresUrl = process.env.TEST_DATABASE_URL;
  return [
    { name: 'sqlite file', dialect: 'sqlite', persistent: true, enabled: true, open: openSqliteFile },
    {
      name: 'sqlite :memory:',
      dialect: 'sqlite',
      persistent: false,
      enabled: true,
      open: () => Promise.resolve({ url: 'sqlite::memory:', cleanup: () => Promise.resolve() }),
    },
    {
      name: postgresUrl ? 'postgres' : 'postgres (skipped: set TEST_DATABASE_URL=postgres://… to run)',
      dialect: 'postgres',
      persistent: true,
      enabled: postgresUrl !== undefined && postgresUrl !== '',
      open: () => openPostgresSchema(postgresUrl ?? ''),
    },
  ];
}

async function openSqliteFile(): Promise<OpenedTestDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-store-'));
  // A folder that does not exist yet: the store must create it.
  return {
    url: `sqlite:${path.join(dir, 'data', 'gatehouse.db')}`,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function openPostgresSchema(baseUrl: string): Promise<OpenedTestDatabase> {
  if (!baseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `gh_test_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, (client) => client.query(`create schema ${schema}`));
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    cleanup: () => withClient(baseUrl, (client) => client.query(`drop schema if exists ${schema} cascade`)),
  };
}

async function withClient(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
