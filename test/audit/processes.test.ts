/**
 * Writers in separate processes on one database, as gateway replicas run: each child process is the built
 * gateway code (`npm run build` first, as CI does) appending records through its own AuditLog.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/verify.js';
import { testDatabases } from '../store/databases.js';
import { countAuditRows, openAuditTestDatabase, type AuditTestDatabase } from './audit-fixture.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const RECORDS_PER_PROCESS = 400;

/** Appends RECORDS requests with ids PREFIX_<i> in batches of 5, pausing now and then so the writers overlap. */
const WORKER = `
const dist = process.env.DIST;
const { openStore } = await import(dist + 'store/database.js');
const { AuditLog } = await import(dist + 'audit/writer.js');
const store = await openStore(process.env.STORE_URL);
const log = new AuditLog(store, { flushIntervalMs: 1, batchSize: 5, retentionMs: null, promptMaxChars: 100 });
const count = Number(process.env.RECORDS);
for (let i = 0; i < count; i += 1) {
  log.append({
    time: new Date(), requestId: process.env.PREFIX + '_' + i,
    principal: { subject: 'worker', email: null, groups: [], authMethod: 'virtual_key', keyId: 'key_w' },
    sourceIp: null, userAgent: null, method: 'POST', path: '/v1/chat/completions', model: 'gpt-4o',
    deployment: null, provider: null, region: null, decision: 'allow', matchedRules: ['any'], denyReason: null,
    status: 200, inputTokens: i, outputTokens: 1, costUsd: 0.000001 * i, latencyMs: 3, upstreamLatencyMs: 2,
    errorType: null, prompt: null, completion: null,
  });
  if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
}
await log.close();
await store.close();
`;

function runWorker(url: string, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER], {
      env: { ...process.env, DIST, STORE_URL: url, PREFIX: prefix, RECORDS: String(RECORDS_PER_PROCESS) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`worker ${prefix} exited ${code}: ${stderr}`))));
  });
}

for (const database of testDatabases().filter((db) => db.persistent)) {
  describe.runIf(database.enabled)(`audit writers in two processes on ${database.name}`, () => {
    let t: AuditTestDatabase;

    beforeAll(async () => {
      if (!existsSync(`${DIST}audit/writer.js`)) throw new Error('dist/ is not built: run "npm run build" before this test');
      t = await openAuditTestDatabase(database);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('build one gap-free chain holding every record of both', async () => {
      await Promise.all([runWorker(t.target.url, 'p1'), runWorker(t.target.url, 'p2')]);
      expect(await countAuditRows(t.store)).toBe(2 * RECORDS_PER_PROCESS);
      expect(await verifyAuditChain(t.store.db)).toMatchObject({ ok: true, checked: 2 * RECORDS_PER_PROCESS, head: { seq: 2 * RECORDS_PER_PROCESS } });
      // The writers really ran at the same time: their batches alternate in the chain.
      const rows = await t.store.db.selectFrom('audit_records').select('request_id').orderBy('seq').execute();
      const switches = rows.filter((row, i) => i > 0 && row.request_id.slice(0, 2) !== rows[i - 1]?.request_id.slice(0, 2)).length;
      expect(switches).toBeGreaterThan(2);
    }, 60_000);
  });
}
