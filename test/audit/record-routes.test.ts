import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecordJson } from '../../src/audit/record-json.js';
import { verifyRecentAuditChain } from '../../src/audit/verify-recent.js';
import { testDatabases } from '../store/databases.js';
import { ADMIN_KEY, bearer, cookie, JWT_ALICE, SESSION_ALICE, startAdminApp, type AdminApp } from '../admin/app-fixture.js';
import { appendRecords, auditRecord, auditRecords, clearAudit, openAuditTestDatabase, runSql, type AuditTestDatabase } from './audit-fixture.js';

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`recent audit chain verification on ${database.name}`, () => {
    let t: AuditTestDatabase;
    beforeAll(async () => {
      t = await openAuditTestDatabase(database);
    });
    afterAll(() => t?.close());
    beforeEach(async () => {
      await clearAudit(t.store);
      await appendRecords(t.store, auditRecords(6));
    });

    it('checks only the newest records, anchored on the one before them', async () => {
      expect(await verifyRecentAuditChain(t.store.db, 4)).toMatchObject({ ok: true, recordsChecked: 4, anchorSeq: 2, headSeq: 6, firstBrokenSeq: null, message: 'The newest 4 records (seq 3–6) are intact.' });
      expect(await verifyRecentAuditChain(t.store.db)).toMatchObject({ ok: true, recordsChecked: 6, anchorSeq: 0 });
    });

    it('reports a changed or removed record inside the window, naming the first one at fault', async () => {
      await runSql(t.store, 'update audit_records set status = 418 where seq = 5', 'delete from audit_records where seq = 4');
      const result = await verifyRecentAuditChain(t.store.db, 4);
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: 4 });
      expect(result.message).toMatch(/^2 problem\(s\) in records 3–6; the first: seq 4: removed/);
    });

    it('does not look before its window (the full verify does)', async () => {
      await runSql(t.store, 'update audit_records set status = 599 where seq = 1');
      expect((await verifyRecentAuditChain(t.store.db, 4)).ok).toBe(true);
      expect((await verifyRecentAuditChain(t.store.db, 6)).firstBrokenSeq).toBe(1);
    });
  });
}

describe('GET /admin/api/audit/verify and /admin/api/audit/{id}', () => {
  let fx: AdminApp;
  beforeAll(async () => {
    fx = await startAdminApp();
    await appendRecords(fx.store, [
      auditRecord({ requestId: 'req_allowed' }),
      auditRecord({ requestId: 'req_denied', decision: 'deny', status: 403, matchedRules: ['premium models are for ml-senior'], denyReason: 'denied by rule "premium models are for ml-senior"' }),
    ]);
  });
  afterAll(() => fx?.close());

  it('gives one full record, by seq or by request id, with its decision explanation', async () => {
    for (const id of ['2', 'req_denied']) {
      const response = await fx.app.inject({ url: `/admin/api/audit/${id}`, headers: bearer(ADMIN_KEY) });
      expect(response.statusCode, id).toBe(200);
      expect(response.json<AuditRecordJson>()).toMatchObject({ seq: 2, request_id: 'req_denied', decision: 'deny', matched_rules: ['premium models are for ml-senior'], deny_reason: 'denied by rule "premium models are for ml-senior"' });
    }
    for (const id of ['3', 'req_nope', '99999999999999999999']) {
      expect((await fx.app.inject({ url: `/admin/api/audit/${id}`, headers: bearer(ADMIN_KEY) })).statusCode, id).toBe(404);
    }
  });

  it('verifies the chain for administrators', async () => {
    const response = await fx.app.inject({ url: '/admin/api/audit/verify', headers: bearer(ADMIN_KEY) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, records_checked: 2, first_broken_id: null, message: 'The newest 2 records (seq 1–2) are intact.', scope: { limit: 10_000, from_seq: 1, to_seq: 2 }, problem_count: 0, problems: [] });
    await runSql(fx.store, "update audit_records set subject = 'mallory' where seq = 1");
    const broken = (await fx.app.inject({ url: '/admin/api/audit/verify', headers: bearer(ADMIN_KEY) })).json<{ ok: boolean; first_broken_id: number; problems: string[] }>();
    expect(broken).toMatchObject({ ok: false, first_broken_id: 1 });
    expect(broken.problems[0]).toContain('seq 1 (request req_allowed): changed');
  });

  it('refuses people who are not administrators', async () => {
    for (const url of ['/admin/api/audit/verify', '/admin/api/audit/1', '/admin/api/audit/req_denied']) {
      for (const headers of [bearer(JWT_ALICE), cookie(SESSION_ALICE)]) {
        const response = await fx.app.inject({ url, headers });
        expect(response.statusCode, url).toBe(403);
        expect(response.body).not.toContain('req_denied"');
      }
      expect((await fx.app.inject({ url })).statusCode).toBe(401);
    }
  });
});
