import path from 'node:path';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/database.js';
import { parseStoreUrl } from '../../src/store/store-url.js';
import { listUsageRecords, insertUsageRecords } from '../../src/store/usage-records.js';
import { testDatabases, type OpenedTestDatabase } from './databases.js';
import { usageRecord } from './usage-record-fixture.js';

describe('parseStoreUrl', () => {
  it('resolves a relative sqlite path against the working directory', () => {
    expect(parseStoreUrl('sqlite:./data/gatehouse.db', '/srv/gh')).toEqual({
      dialect: 'sqlite',
      filename: path.resolve('/srv/gh', 'data/gatehouse.db'),
    });
  });

  it('keeps an absolute sqlite path and :memory:', () => {
    expect(parseStoreUrl('sqlite:/var/lib/gh.db', '/srv')).toEqual({ dialect: 'sqlite', filename: '/var/lib/gh.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', filename: ':memory:' });
  });

  it('passes both postgres schemes through untouched', () => {
    for (const url of ['postgres://u:p@db/gh?sslmode=require', 'postgresql://db/gh']) {
      expect(parseStoreUrl(url)).toEqual({ dialect: 'postgres', connectionString: url });
    }
  });

  it('rejects an empty sqlite path and unknown schemes without echoing credentials', () => {
    expect(() => parseStoreUrl('sqlite:')).toThrow(/names no file/);
    const attempt = () => parseStoreUrl('mysql://root:hunter2@db/gh');
    expect(attempt).toThrow(/unsupported scheme mysql:/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('openStore', () => {
  it('rejects when Postgres cannot be reached', async () => {
    await expect(openStore('postgres://postgres@127.0.0.1:1/none')).rejects.toThrow();
  });
});

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`openStore on ${database.name}`, () => {
    const opened: OpenedTestDatabase[] = [];
    const stores: Store[] = [];

    async function open(existing?: OpenedTestDatabase, options: OpenStoreOptions = {}): Promise<{ store: Store; target: OpenedTestDatabase }> {
      const target = existing ?? (await database.open());
      if (!existing) opened.push(target);
      const store = await openStore(target.url, options);
      stores.push(store);
      return { store, target };
    }

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await Promise.all(opened.splice(0).map((target) => target.cleanup()));
    });

    it('opens, applies migrations and answers ping', async () => {
      const { store } = await open();
      expect(store.dialect).toBe(database.dialect);
      await expect(store.ping()).resolves.toBeUndefined();
      expect(await listUsageRecords(store.db)).toEqual([]);
    });

    it('rejects ping once closed', async () => {
      const { store } = await open();
      await store.close();
      stores.splice(stores.indexOf(store), 1);
      await expect(store.ping()).rejects.toThrow();
    });

    it.runIf(database.persistent)('reopens an existing database without reapplying migrations', async () => {
      const { store: first, target } = await open();
      await insertUsageRecords(first.db, [usageRecord({ requestId: 'kept' })]);
      await first.close();
      stores.splice(stores.indexOf(first), 1);

      const { store: second } = await open(target);
      const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
      expect(migrations.rows.map((row) => row.name).sort()).toEqual(MIGRATIONS.map(([name]) => name));
      expect((await listUsageRecords(second.db)).map((record) => record.requestId)).toEqual(['kept']);
    });

    it.runIf(database.persistent)('fails to open, naming the migration, when a migration cannot apply', async () => {
      const { store: first, target } = await open();
      // Forget that 0001 ran, so reopening tries to create usage_records again.
      await first.db.schema.dropTable('kysely_migration').execute();
      await first.close();
      stores.splice(stores.indexOf(first), 1);
      await expect(openStore(target.url)).rejects.toThrow(/database migration 0001-usage failed/);
    });

    it('closes idempotently', async () => {
      const { store } = await open();
      await Promise.all([store.close(), store.close()]);
      await expect(store.close()).resolves.toBeUndefined();
    });

    it.runIf(database.dialect === 'sqlite' && database.persistent)('puts a SQLite file in WAL mode with foreign keys and a busy timeout', async () => {
      const { store } = await open();
      const pragma = async (name: string) => {
        const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
        return Object.values(rows[0] ?? {})[0];
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBeGreaterThan(0);
    });

    it.runIf(database.dialect === 'postgres')('creates its tables in the schema named by the URL options', async () => {
      const { store, target } = await open();
      const schema = new URL(target.url).searchParams.get('options')?.replace('-c search_path=', '');
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
      expect(rows[0]?.schema).toBe(schema);
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(store.db);
      expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(['kysely_migration', 'kysely_migration_lock', 'usage_records']));
    });

    it.runIf(database.dialect === 'postgres')('migrates its own schema when another schema already has migration tables', async () => {
      const { store: first } = await open();
      const { store: second } = await open();
      await insertUsageRecords(second.db, [usageRecord({ requestId: 'second' })]);
      expect(await listUsageRecords(first.db)).toEqual([]);
      expect(await listUsageRecords(second.db)).toHaveLength(1);
    });

    it.runIf(database.dialect === 'postgres')('logs and replaces a pooled connection the server cut', async () => {
      const warn = vi.fn();
      const { store } = await open(undefined, { logger: { warn } });
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      const { store: other } = await open();
      await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(other.db);

      await vi.waitFor(() => expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.stringContaining('idle connection')));
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
