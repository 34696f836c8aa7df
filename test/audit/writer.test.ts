import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../../src/audit/query.js';
import { verifyAuditChain } from '../../src/audit/verify.js';
import { AuditLog, type AuditLogOptions } from '../../src/audit/writer.js';
import { openStore } from '../../src/store/database.js';
import { testDatabases } from '../store/databases.js';
import { auditRecord, auditRecords, clearAudit, countAuditRows, openAuditTestDatabase, type AuditTestDatabase } from './audit-fixture.js';

const OPTIONS: AuditLogOptions = { flushIntervalMs: 5, batchSize: 50, retentionMs: null, promptMaxChars: 1_000 };

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`audit log writer on ${database.name}`, () => {
    let t: AuditTestDatabase;

    beforeAll(async () => {
      t = await openAuditTestDatabase(database);
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await clearAudit(t.store);
    });

    it('round-trips every field, and the stored chain verifies', async () => {
      const denied = auditRecord({
        requestId: 'req_2',
        principal: { subject: 'key:key_9', email: null, groups: [], authMethod: 'virtual_key', keyId: 'key_9' },
        sourceIp: null,
        userAgent: null,
        model: null,
        deployment: null,
        provider: null,
        region: null,
        decision: 'deny',
        matchedRules: ['premium models are for ml-senior'],
        denyReason: 'deny rule "premium models are for ml-senior" matched: model_tags has premium',
        status: 403,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        upstreamLatencyMs: null,
        errorType: 'GH_ERR_POLICY_DENIED',
      });
      const logged = auditRecord({ requestId: 'req_3', prompt: 'user: hi', completion: 'assistant: hello', costUsd: 0.1 + 0.2, decision: null });
      const log = new AuditLog(t.store, OPTIONS);
      for (const record of [auditRecord(), denied, logged]) log.append(record);
      await log.close();

      const { records } = await queryAudit(t.store.db);
      expect(records.map(({ seq, hash, prevHash, ...record }) => ({ seq, record, hashes: [hash.length, prevHash.length] }))).toEqual([
        { seq: 3, record: logged, hashes: [64, 64] },
        { seq: 2, record: denied, hashes: [64, 64] },
        { seq: 1, record: auditRecord(), hashes: [64, 64] },
      ]);
      expect(records[2]?.prevHash).toBe('0'.repeat(64));
      expect(records[1]?.prevHash).toBe(records[2]?.hash);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 3 });
    });

    it('stores text neither backend could hold as given, and cuts prompts, so the chain still verifies', async () => {
      const log = new AuditLog(t.store, { ...OPTIONS, promptMaxChars: 5 });
      log.append(auditRecord({ userAgent: 'bad\0agent', path: '/v1/\uD800x', prompt: 'abcd\u{1F600}tail', completion: 'ok' }));
      await log.close();
      const [stored] = (await queryAudit(t.store.db)).records;
      expect(stored).toMatchObject({ userAgent: 'bad\uFFFDagent', path: '/v1/\uFFFDx', prompt: 'abcd', completion: 'ok' });
      expect((await verifyAuditChain(t.store.db)).ok).toBe(true);
    });

    it('loses no record on close: everything appended in a burst is stored, in order', async () => {
      const log = new AuditLog(t.store, { ...OPTIONS, flushIntervalMs: 60_000, batchSize: 97 });
      const records = auditRecords(2_000);
      for (const record of records) log.append(record);
      expect(log.pending).toBeGreaterThan(0);
      await log.close();
      expect(log.dropped).toBe(0);
      expect(await countAuditRows(t.store)).toBe(2_000);
      const first = await t.store.db.selectFrom('audit_records').select(['seq', 'request_id']).orderBy('seq').limit(3).execute();
      expect(first).toEqual([
        { seq: 1, request_id: 'req_1' },
        { seq: 2, request_id: 'req_2' },
        { seq: 3, request_id: 'req_3' },
      ]);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 2_000, head: { seq: 2_000 } });
    });

    it('append() never waits on the database', () => {
      const log = new AuditLog(t.store, OPTIONS);
      const started = performance.now();
      for (const record of auditRecords(1_000)) log.append(record);
      expect(performance.now() - started).toBeLessThan(50);
      return log.close();
    });

    it('two writers appending at once build one gap-free chain', async () => {
      // On Postgres the second writer gets its own pool, as another replica would. SQLite has one connection per
      // process, so both writers share it here; processes.test.ts runs writers in separate processes.
      const other = database.dialect === 'postgres' ? await openStore(t.target.url) : t.store;
      const a = new AuditLog(t.store, { ...OPTIONS, batchSize: 7, flushIntervalMs: 1 });
      const b = new AuditLog(other, { ...OPTIONS, batchSize: 5, flushIntervalMs: 1 });
      try {
        for (let i = 0; i < 300; i += 1) {
          a.append(auditRecord({ requestId: `a_${i}` }));
          b.append(auditRecord({ requestId: `b_${i}` }));
          if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
        await Promise.all([a.close(), b.close()]);
      } finally {
        if (other !== t.store) await other.close();
      }
      expect(await countAuditRows(t.store)).toBe(600);
      const result = await verifyAuditChain(t.store.db);
      expect(result).toMatchObject({ ok: true, checked: 600, head: { seq: 600 } });
      const writers = await t.store.db.selectFrom('audit_records').select('request_id').orderBy('seq').execute();
      // Interleaved, not one writer's records after the other's.
      const switches = writers.filter((row, i) => i > 0 && row.request_id[0] !== writers[i - 1]?.request_id[0]).length;
      expect(switches).toBeGreaterThan(2);
    });
  });
}
