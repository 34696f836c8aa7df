import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditQueryError, queryAudit, type AuditQuery } from '../../src/audit/query.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { testDatabases } from '../store/databases.js';
import { appendRecords, auditRecord, auditRecords, clearAudit, openAuditTestDatabase, type AuditTestDatabase } from './audit-fixture.js';

const bob = { subject: 'bob', email: 'bob@example.com', groups: ['legal'], authMethod: 'jwt', keyId: null } as const;

/** Six requests: alice and bob, two models, allowed and denied, at 10:00 … 15:00. */
function mixed(): AuditRecord[] {
  const at = (hour: number) => new Date(`2026-03-01T${String(hour).padStart(2, '0')}:00:00Z`);
  return [
    auditRecord({ requestId: 'r1', time: at(10) }),
    auditRecord({ requestId: 'r2', time: at(11), principal: bob, region: 'eu' }),
    auditRecord({ requestId: 'r3', time: at(12), principal: bob, model: 'claude-sonnet', decision: 'deny', status: 403, matchedRules: ['premium'] }),
    auditRecord({ requestId: 'r4', time: at(13), model: 'claude-sonnet', status: 502, errorType: 'GH_ERR_UPSTREAM_ERROR' }),
    auditRecord({ requestId: 'r5', time: at(14), principal: { ...bob, email: null, subject: 'bob' } }),
    auditRecord({ requestId: 'r6', time: at(15), decision: 'deny', status: 403 }),
  ];
}

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`audit queries on ${database.name}`, () => {
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

    async function ids(query: AuditQuery): Promise<string[]> {
      return (await queryAudit(t.store.db, query)).records.map((record) => record.requestId);
    }

    it('lists newest first and filters by time range, user, model, decision and status', async () => {
      await appendRecords(t.store, mixed());
      expect(await ids({})).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
      expect(await ids({ from: new Date('2026-03-01T11:00:00Z'), to: new Date('2026-03-01T13:00:00Z') })).toEqual(['r3', 'r2']);
      expect(await ids({ user: 'bob' })).toEqual(['r5', 'r3', 'r2']);
      expect(await ids({ user: 'bob@example.com' })).toEqual(['r3', 'r2']);
      expect(await ids({ model: 'claude-sonnet' })).toEqual(['r4', 'r3']);
      expect(await ids({ decision: 'deny' })).toEqual(['r6', 'r3']);
      expect(await ids({ decision: 'allow' })).toEqual(['r5', 'r4', 'r2', 'r1']);
      expect(await ids({ status: 502 })).toEqual(['r4']);
      expect(await ids({ user: 'bob', decision: 'deny', model: 'claude-sonnet', status: 403 })).toEqual(['r3']);
      expect(await ids({ user: 'carol' })).toEqual([]);
    });

    it('pages with a cursor, with no duplicates and no gaps while records keep arriving', async () => {
      await appendRecords(t.store, auditRecords(95));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await queryAudit(t.store.db, { limit: 10, ...(cursor && { cursor }) });
        seen.push(...page.records.map((record) => record.requestId));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
        // Newer records arrive between pages: they belong before the first page, never inside the paging.
        await appendRecords(t.store, auditRecords(3, new Date('2026-04-01T00:00:00Z'), 1_000 + pages * 3));
      } while (cursor !== undefined);
      expect(pages).toBe(10);
      expect(seen).toEqual(Array.from({ length: 95 }, (_, i) => `req_${95 - i}`));
    });

    it('pages through a filtered view, and the last page has no cursor', async () => {
      await appendRecords(t.store, mixed());
      const first = await queryAudit(t.store.db, { user: 'bob', limit: 2 });
      expect(first.records.map((record) => record.requestId)).toEqual(['r5', 'r3']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await queryAudit(t.store.db, { user: 'bob', limit: 2, cursor: first.nextCursor ?? '' });
      expect(second.records.map((record) => record.requestId)).toEqual(['r2']);
      expect(second.nextCursor).toBeNull();
      // A page that happens to end exactly at the last record says so too.
      expect((await queryAudit(t.store.db, { user: 'bob', limit: 3 })).nextCursor).toBeNull();
    });

    it('refuses a cursor it did not make and an out-of-range limit', async () => {
      for (const cursor of ['', 'abc', 'a1.', 'a1.LTE', 'a1.MS41']) {
        await expect(queryAudit(t.store.db, { cursor })).rejects.toMatchObject({ name: 'AuditQueryError', param: 'cursor' });
      }
      for (const limit of [0, -1, 1.5, 1_001]) {
        await expect(queryAudit(t.store.db, { limit })).rejects.toBeInstanceOf(AuditQueryError);
      }
    });
  });
}
