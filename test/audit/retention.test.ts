import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditChainBrokenError, pruneAudit } from '../../src/audit/retention.js';
import { verifyAuditChain } from '../../src/audit/verify.js';
import { AuditLog } from '../../src/audit/writer.js';
import { testDatabases } from '../store/databases.js';
import { appendRecords, auditRecord, auditRecords, clearAudit, countAuditRows, openAuditTestDatabase, runSql, type AuditTestDatabase } from './audit-fixture.js';

const DAY = 86_400_000;
const T0 = new Date('2026-01-01T00:00:00Z');

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`audit retention on ${database.name}`, () => {
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

    async function seqs(): Promise<number[]> {
      return (await t.store.db.selectFrom('audit_records').select('seq').orderBy('seq').execute()).map((row) => row.seq);
    }

    it('deletes records older than the cutoff, leaves a checkpoint, and the rest still verifies', async () => {
      // One record a day for ten days.
      await appendRecords(t.store, Array.from({ length: 10 }, (_, i) => auditRecord({ requestId: `req_${i + 1}`, time: new Date(T0.getTime() + i * DAY) })));
      const before = await t.store.db.selectFrom('audit_records').select(['seq', 'hash']).where('seq', '=', 4).executeTakeFirstOrThrow();

      expect(await pruneAudit(t.store, new Date(T0.getTime() + 4 * DAY), new Date('2026-02-01T00:00:00Z'))).toBe(4);
      expect(await seqs()).toEqual([5, 6, 7, 8, 9, 10]);
      expect(await t.store.db.selectFrom('audit_checkpoints').selectAll().execute()).toEqual([{ ...before, pruned_at: Date.parse('2026-02-01T00:00:00Z'), deleted: 4 }]);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 6, start: before });

      // A head recorded before the prune can no longer be checked, and verify says so rather than failing.
      const pruned = await verifyAuditChain(t.store.db, { expectHead: { seq: 2, hash: 'a'.repeat(64) } });
      expect(pruned).toMatchObject({ ok: true, expectedHeadPruned: true });

      // Pruning again with the same cutoff does nothing; tampering after the checkpoint is still found.
      expect(await pruneAudit(t.store, new Date(T0.getTime() + 4 * DAY))).toBe(0);
      await runSql(t.store, 'delete from audit_records where seq = 5');
      expect((await verifyAuditChain(t.store.db)).problems).toEqual([{ kind: 'missing', fromSeq: 5, toSeq: 5, afterSeq: 4, nextRequestId: 'req_6' }]);
    });

    it('continues the chain from the checkpoint when every record was deleted', async () => {
      await appendRecords(t.store, auditRecords(5, T0));
      expect(await pruneAudit(t.store, new Date(T0.getTime() + DAY))).toBe(5);
      expect(await countAuditRows(t.store)).toBe(0);
      await appendRecords(t.store, auditRecords(2, new Date(T0.getTime() + 2 * DAY), 6));
      expect(await seqs()).toEqual([6, 7]);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 2, start: { seq: 5 }, head: { seq: 7 } });
    });

    it('deletes only a prefix of the chain: an old record after a young one waits for it', async () => {
      const young = new Date(T0.getTime() + 9 * DAY);
      await appendRecords(t.store, [
        auditRecord({ requestId: 'old_1', time: T0 }),
        auditRecord({ requestId: 'young', time: young }),
        auditRecord({ requestId: 'old_2', time: T0 }),
      ]);
      expect(await pruneAudit(t.store, new Date(T0.getTime() + DAY))).toBe(1);
      expect(await seqs()).toEqual([2, 3]);
      expect((await verifyAuditChain(t.store.db)).ok).toBe(true);
    });

    it('deletes in chunks, leaving a checkpoint per chunk, over a long backlog', async () => {
      await appendRecords(t.store, auditRecords(2_500, T0));
      await appendRecords(t.store, auditRecords(3, new Date(T0.getTime() + 10 * DAY), 2_501));
      expect(await pruneAudit(t.store, new Date(T0.getTime() + DAY))).toBe(2_500);
      const checkpoints = await t.store.db.selectFrom('audit_checkpoints').select(['seq', 'deleted']).orderBy('seq').execute();
      expect(checkpoints).toEqual([
        { seq: 1_000, deleted: 1_000 },
        { seq: 2_000, deleted: 1_000 },
        { seq: 2_500, deleted: 500 },
      ]);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 3, start: { seq: 2_500 } });
    });

    it('refuses to delete records that do not verify, so tampering is never pruned away', async () => {
      await appendRecords(t.store, auditRecords(6, T0));
      await runSql(t.store, 'update audit_records set status = 500 where seq = 3');
      const pruning = pruneAudit(t.store, new Date(T0.getTime() + DAY));
      await expect(pruning).rejects.toBeInstanceOf(AuditChainBrokenError);
      await expect(pruning).rejects.toThrow(/seq 3 \(request req_3\): changed/);
      expect(await countAuditRows(t.store)).toBe(6);
      expect(await t.store.db.selectFrom('audit_checkpoints').selectAll().execute()).toEqual([]);
    });

    it('runs at start and on its interval in the writer, and reports what it deleted', async () => {
      await appendRecords(t.store, auditRecords(3, new Date(Date.now() - 10 * DAY)));
      // Ages past the retention period a moment after the writer starts.
      await appendRecords(t.store, [auditRecord({ requestId: 'req_4', time: new Date(Date.now() - DAY + 300) })]);
      await appendRecords(t.store, [auditRecord({ requestId: 'req_5', time: new Date() })]);
      const pruned: number[] = [];
      const errors: unknown[] = [];
      const log = new AuditLog(t.store, {
        flushIntervalMs: 5,
        batchSize: 10,
        retentionMs: DAY,
        pruneIntervalMs: 20,
        promptMaxChars: 10,
        onPruned: (deleted) => pruned.push(deleted),
        onPruneError: (error) => errors.push(error),
      });
      await expect.poll(() => pruned).toEqual([3]);
      await expect.poll(() => pruned).toEqual([3, 1]);
      expect(await seqs()).toEqual([5]);
      await log.close();
      expect(errors).toEqual([]);
    });
  });
}
