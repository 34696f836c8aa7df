import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordHash } from '../../src/audit/chain.js';
import { exportAudit } from '../../src/audit/export.js';
import { queryAudit } from '../../src/audit/query.js';
import { auditRecordJson, type AuditRecordJson } from '../../src/audit/record-json.js';
import { testDatabases } from '../store/databases.js';
import { appendRecords, auditRecord, auditRecords, clearAudit, openAuditTestDatabase, type AuditTestDatabase } from './audit-fixture.js';

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`audit export on ${database.name}`, () => {
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

    async function exported(options: Parameters<typeof exportAudit>[2] = {}): Promise<{ count: number; lines: string[] }> {
      const out = new PassThrough();
      const collected = text(out);
      const count = await exportAudit(t.store.db, out, options);
      out.end();
      const body = await collected;
      return { count, lines: body === '' ? [] : body.replace(/\n$/, '').split('\n') };
    }

    it('writes every record as one JSON object per line, oldest first, in the admin API shape', async () => {
      await appendRecords(t.store, auditRecords(25));
      await appendRecords(t.store, [auditRecord({ requestId: 'with\nnewline', prompt: 'a\nb' })]);
      const { count, lines } = await exported({ pageSize: 7 });
      expect(count).toBe(26);
      expect(lines).toHaveLength(26);
      const parsed = lines.map((line) => JSON.parse(line) as { seq: number; request_id: string });
      expect(parsed.map((record) => record.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
      const newest = (await queryAudit(t.store.db, { limit: 1 })).records[0]!;
      expect(parsed[25]).toEqual(auditRecordJson(newest));
      expect(parsed[25]).toMatchObject({ request_id: 'with\nnewline', prompt: 'a\nb', time: '2026-03-01T12:00:00.123Z' });
    });

    it('carries enough to recompute every hash from the file alone', async () => {
      await appendRecords(t.store, [auditRecord({ costUsd: 0.1 + 0.2, prompt: 'p' }), ...auditRecords(3)]);
      const { lines } = await exported();
      for (const line of lines) {
        const r = JSON.parse(line) as AuditRecordJson;
        const fields = {
          ...r,
          time: Date.parse(r.time),
          subject: r.principal.subject,
          email: r.principal.email,
          groups: JSON.stringify(r.principal.groups),
          auth_method: r.principal.auth_method,
          key_id: r.principal.key_id,
          matched_rules: JSON.stringify(r.matched_rules),
        };
        expect(recordHash(fields, r.prev_hash)).toBe(r.hash);
      }
    });

    it('limits the export to a time range', async () => {
      await appendRecords(t.store, auditRecords(10));
      const { lines } = await exported({ from: new Date('2026-03-01T12:00:03Z'), to: new Date('2026-03-01T12:00:06Z'), pageSize: 2 });
      expect(lines.map((line) => (JSON.parse(line) as { request_id: string }).request_id)).toEqual(['req_4', 'req_5', 'req_6']);
    });

    it('writes nothing for an empty log', async () => {
      expect(await exported()).toEqual({ count: 0, lines: [] });
    });

    it('waits for a slow reader instead of buffering the whole log', async () => {
      await appendRecords(t.store, auditRecords(300));
      const out = new PassThrough({ highWaterMark: 1_024 });
      const exporting = exportAudit(t.store.db, out, { pageSize: 10 });
      let settled = false;
      void exporting.finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      expect(out.writableLength).toBeLessThan(20_000);
      const collected = text(out);
      expect(await exporting).toBe(300);
      out.end();
      expect((await collected).split('\n').filter(Boolean)).toHaveLength(300);
    });
  });
}
