import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/store/batch-writer.js';
import { openStore, type Store } from '../../src/store/database.js';
import { insertUsageRecords, listUsageRecords, type UsageRecord } from '../../src/store/usage-records.js';
import { testDatabases, type OpenedTestDatabase } from './databases.js';
import { usageRecord } from './usage-record-fixture.js';

/** 5,000 rows × 16 columns binds 80,000 parameters: over SQLite's 32,766 and Postgres's 65,535. */
const OVER_PARAMETER_LIMIT = 5_000;

function records(count: number, base: Partial<UsageRecord> = {}): UsageRecord[] {
  return Array.from({ length: count }, (_, i) =>
    usageRecord({ ...base, requestId: `req-${i}`, time: new Date(Date.UTC(2025, 0, 1) + i * 1000) }),
  );
}

async function countRows(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('usage_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`usage records on ${database.name}`, () => {
    let target: OpenedTestDatabase;
    let store: Store;

    beforeAll(async () => {
      target = await database.open();
      store = await openStore(target.url);
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });
    beforeEach(async () => {
      await store.db.deleteFrom('usage_records').execute();
    });

    it('round-trips every field: dates to the millisecond, booleans, floats and nulls', async () => {
      const full = usageRecord({ stream: true, costUsd: 0.000123456789, time: new Date('2025-06-30T23:59:59.999Z') });
      const sparse = usageRecord({
        requestId: 'req-2',
        endpoint: 'messages',
        time: new Date('2025-06-30T23:59:58.001Z'),
        deployment: null,
        provider: null,
        upstreamModel: null,
        upstreamLatencyMs: null,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        status: 503,
        errorCode: 'GH_ERR_UPSTREAM_UNAVAILABLE',
        principal: null,
      });
      await insertUsageRecords(store.db, [full, sparse]);

      const listed = await listUsageRecords(store.db);
      expect(listed).toEqual([
        { ...full, id: expect.any(Number) },
        { ...sparse, id: expect.any(Number) },
      ]);
      expect(listed[0]?.time).toBeInstanceOf(Date);
      expect(typeof listed[0]?.id).toBe('number');
    });

    it('stores latencies as whole milliseconds', async () => {
      await insertUsageRecords(store.db, [usageRecord({ latencyMs: 812.6, upstreamLatencyMs: 790.2 })]);
      const [stored] = await listUsageRecords(store.db);
      expect(stored?.latencyMs).toBe(813);
      expect(stored?.upstreamLatencyMs).toBe(790);
    });

    it('lists newest first, honouring since and limit', async () => {
      await insertUsageRecords(store.db, records(5));
      const all = await listUsageRecords(store.db);
      expect(all.map((record) => record.requestId)).toEqual(['req-4', 'req-3', 'req-2', 'req-1', 'req-0']);

      const since = await listUsageRecords(store.db, { since: new Date(Date.UTC(2025, 0, 1) + 3000) });
      expect(since.map((record) => record.requestId)).toEqual(['req-4', 'req-3']);

      const limited = await listUsageRecords(store.db, { limit: 2 });
      expect(limited.map((record) => record.requestId)).toEqual(['req-4', 'req-3']);
      await expect(listUsageRecords(store.db, { limit: 0 })).rejects.toThrow(RangeError);
    });

    it('breaks ties on time by insertion order, newest first', async () => {
      const time = new Date('2025-02-01T00:00:00Z');
      await insertUsageRecords(store.db, [usageRecord({ time, requestId: 'a' }), usageRecord({ time, requestId: 'b' })]);
      expect((await listUsageRecords(store.db)).map((record) => record.requestId)).toEqual(['b', 'a']);
    });

    it('inserts a batch larger than the bind-parameter limit', async () => {
      await insertUsageRecords(store.db, records(OVER_PARAMETER_LIMIT));
      expect(await countRows(store)).toBe(OVER_PARAMETER_LIMIT);
      const newest = await listUsageRecords(store.db, { limit: 1 });
      expect(newest[0]?.requestId).toBe(`req-${OVER_PARAMETER_LIMIT - 1}`);
    });

    it('writes a multi-statement batch all or nothing', async () => {
      const batch = records(OVER_PARAMETER_LIMIT);
      // The last row breaks a NOT NULL constraint, after earlier statements have already inserted rows.
      batch[batch.length - 1] = usageRecord({ modelGroup: null as unknown as string });
      await expect(insertUsageRecords(store.db, batch)).rejects.toThrow();
      expect(await countRows(store)).toBe(0);
    });

    it('does nothing for an empty batch', async () => {
      await insertUsageRecords(store.db, []);
      expect(await countRows(store)).toBe(0);
    });

    it('indexes time and request_id', async () => {
      const names =
        database.dialect === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'usage_records'`.execute(store.db)
          : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'usage_records' and schemaname = current_schema()`.execute(store.db);
      expect(names.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['usage_records_time_idx', 'usage_records_request_id_idx']));
    });

    it('takes records from a BatchWriter and writes them all on close', async () => {
      const writer = new BatchWriter<UsageRecord>({
        write: (batch) => insertUsageRecords(store.db, batch),
        flushIntervalMs: 60_000,
        batchSize: 500,
      });
      for (const record of records(1_234)) writer.enqueue(record);
      await writer.close();
      expect(writer.pending).toBe(0);
      expect(await countRows(store)).toBe(1_234);
    });
  });
}
