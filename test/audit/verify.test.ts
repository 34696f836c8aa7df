import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordHash } from '../../src/audit/chain.js';
import { describeProblem } from '../../src/audit/chain-walker.js';
import { verifyAuditChain } from '../../src/audit/verify.js';
import { testDatabases } from '../store/databases.js';
import { appendRecords, auditRecords, clearAudit, openAuditTestDatabase, runSql, type AuditTestDatabase } from './audit-fixture.js';

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`audit chain verification on ${database.name}`, () => {
    let t: AuditTestDatabase;

    beforeAll(async () => {
      t = await openAuditTestDatabase(database);
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await clearAudit(t.store);
      // Three batches, so the chain crosses batch boundaries; pages of 3 below cross page boundaries too.
      await appendRecords(t.store, auditRecords(4));
      await appendRecords(t.store, auditRecords(3, new Date('2026-03-01T13:00:00Z'), 5));
      await appendRecords(t.store, auditRecords(3, new Date('2026-03-01T14:00:00Z'), 8));
    });

    async function hashOf(seq: number): Promise<string> {
      const row = await t.store.db.selectFrom('audit_records').select('hash').where('seq', '=', seq).executeTakeFirstOrThrow();
      return row.hash;
    }

    it('verifies a clean chain and reports its head', async () => {
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result).toMatchObject({ ok: true, checked: 10, problems: [], problemCount: 0, start: { seq: 0 } });
      expect(result.head).toEqual({ seq: 10, hash: await hashOf(10) });
    });

    it('verifies an empty log', async () => {
      await clearAudit(t.store);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 0, head: { seq: 0 } });
    });

    it('reports a changed field as that record altered, and nothing else', async () => {
      await runSql(t.store, `update audit_records set status = 500 where seq = 5`);
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([{ kind: 'altered', seq: 5, requestId: 'req_5' }]);
      expect(describeProblem(result.problems[0]!)).toBe('seq 5 (request req_5): changed: its content does not match its hash');
    });

    it('reports a change to a prompt, a float and a null just as precisely', async () => {
      await runSql(
        t.store,
        `update audit_records set cost_usd = 0.00079 where seq = 2`,
        `update audit_records set email = null where seq = 7`,
        `update audit_records set prompt = 'inserted' where seq = 9`,
      );
      const result = await verifyAuditChain(t.store.db);
      expect(result.problems).toEqual([
        { kind: 'altered', seq: 2, requestId: 'req_2' },
        { kind: 'altered', seq: 7, requestId: 'req_7' },
        { kind: 'altered', seq: 9, requestId: 'req_9' },
      ]);
    });

    it('reports a changed record that was rehashed as a broken link after it', async () => {
      const row = await t.store.db.selectFrom('audit_records').selectAll().where('seq', '=', 5).executeTakeFirstOrThrow();
      const forged = recordHash({ ...row, status: 500 }, row.prev_hash);
      await runSql(t.store, `update audit_records set status = 500, hash = '${forged}' where seq = 5`);
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result.problems).toEqual([{ kind: 'broken-link', seq: 6, requestId: 'req_6', linksToSeq: undefined }]);
      expect(describeProblem(result.problems[0]!)).toContain('seq 5 was changed and rehashed');
    });

    it('reports a record deleted from the middle as missing, naming the seq and the next request', async () => {
      await runSql(t.store, `delete from audit_records where seq = 5`);
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result.problems).toEqual([{ kind: 'missing', fromSeq: 5, toSeq: 5, afterSeq: 4, nextRequestId: 'req_6' }]);
      expect(describeProblem(result.problems[0]!)).toBe('seq 5: removed: the chain jumps from seq 4 to seq 6 (request req_6)');
    });

    it('reports several deleted records, and deleted oldest records', async () => {
      await runSql(t.store, `delete from audit_records where seq in (1, 2, 6, 7, 8)`);
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result.problems).toEqual([
        { kind: 'missing', fromSeq: 1, toSeq: 2, afterSeq: 0, nextRequestId: 'req_3' },
        { kind: 'missing', fromSeq: 6, toSeq: 8, afterSeq: 5, nextRequestId: 'req_9' },
      ]);
    });

    it('reports a deletion hidden by renumbering the rest: a broken link, then every moved record altered', async () => {
      const shift = [6, 7, 8, 9, 10].map((seq) => `update audit_records set seq = ${seq - 1} where seq = ${seq}`);
      await runSql(t.store, `delete from audit_records where seq = 5`, ...shift);
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result.problems).toEqual([
        { kind: 'broken-link', seq: 5, requestId: 'req_6', linksToSeq: undefined },
        ...[5, 6, 7, 8, 9].map((seq) => ({ kind: 'altered', seq, requestId: `req_${seq + 1}` })),
      ]);
      expect(describeProblem(result.problems[0]!)).toContain('or records were removed and renumbered');
    });

    it('reports two records swapped in order: broken links naming where each one now points, and both altered', async () => {
      await runSql(t.store, `update audit_records set seq = -1 where seq = 3`, `update audit_records set seq = 3 where seq = 4`, `update audit_records set seq = 4 where seq = -1`);
      const result = await verifyAuditChain(t.store.db, { pageSize: 3 });
      expect(result.problems).toEqual([
        { kind: 'broken-link', seq: 3, requestId: 'req_4', linksToSeq: 4 },
        { kind: 'altered', seq: 3, requestId: 'req_4' },
        { kind: 'broken-link', seq: 4, requestId: 'req_3', linksToSeq: 2 },
        { kind: 'altered', seq: 4, requestId: 'req_3' },
        { kind: 'broken-link', seq: 5, requestId: 'req_5', linksToSeq: 3 },
      ]);
      expect(describeProblem(result.problems[0]!)).toBe('seq 3 (request req_4): broken link: its prev_hash names seq 4, not seq 2: records were reordered');
    });

    it("reports two records' contents swapped in place as both altered", async () => {
      await runSql(
        t.store,
        `update audit_records set request_id = 'tmp' where seq = 3`,
        `update audit_records set request_id = 'req_3' where seq = 4`,
        `update audit_records set request_id = 'req_4' where seq = 3`,
      );
      const result = await verifyAuditChain(t.store.db);
      expect(result.problems).toEqual([
        { kind: 'altered', seq: 3, requestId: 'req_4' },
        { kind: 'altered', seq: 4, requestId: 'req_3' },
      ]);
    });

    it('cannot see the newest records removed on its own, but can against a head kept elsewhere', async () => {
      const head = { seq: 10, hash: await hashOf(10) };
      await runSql(t.store, `delete from audit_records where seq > 8`);
      expect((await verifyAuditChain(t.store.db)).ok).toBe(true);
      const result = await verifyAuditChain(t.store.db, { expectHead: head });
      expect(result.problems).toEqual([{ kind: 'truncated', headSeq: 8, expectedSeq: 10 }]);
    });

    it('checks a head kept elsewhere against the record now at its seq', async () => {
      const head = { seq: 6, hash: await hashOf(6) };
      expect((await verifyAuditChain(t.store.db, { expectHead: head, pageSize: 4 })).ok).toBe(true);
      const forged = { seq: 6, hash: 'f'.repeat(64) };
      const result = await verifyAuditChain(t.store.db, { expectHead: forged });
      expect(result.problems).toEqual([{ kind: 'head-mismatch', seq: 6, expectedHash: forged.hash, actualHash: head.hash }]);
    });
  });
}
