import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_BROKEN, EXIT_FAILED, EXIT_OK, runAuditExport, runAuditVerify, type CliOutput } from '../../src/cli/audit.js';
import { testDatabases } from '../store/databases.js';
import { appendRecords, auditRecords, clearAudit, openAuditTestDatabase, runSql, type AuditTestDatabase } from '../audit/audit-fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function capture(): CliOutput & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { stdout, stderr: { write: (text: string) => (err += text) }, out: () => out, err: () => err };
}

/** Runs the built `gatehouse` binary; resolves with its exit code and output. */
function gatehouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/gatehouse.js'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

for (const database of testDatabases().filter((db) => db.persistent)) {
  describe.runIf(database.enabled)(`gatehouse audit on ${database.name}`, () => {
    let t: AuditTestDatabase;
    let dir: string;
    let config: string;

    beforeAll(async () => {
      t = await openAuditTestDatabase(database);
      dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-audit-cli-'));
      config = path.join(dir, 'gatehouse.yaml');
      // A JSON string is a YAML string: the URL's query (a Postgres search_path) needs no further quoting.
      await writeFile(config, `storage: { url: ${JSON.stringify(t.target.url)} }\n`);
    });
    afterAll(async () => {
      await t?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await clearAudit(t.store);
      await appendRecords(t.store, auditRecords(5));
    });

    it('verify: exit 0 and the head for an intact chain', async () => {
      const io = capture();
      expect(await runAuditVerify({ config }, io)).toBe(EXIT_OK);
      expect(io.out()).toMatch(/^audit chain OK: 5 records checked, from the first record\n/);
      expect(io.out()).toMatch(/\nhead: 5:[0-9a-f]{64}\n/);
    });

    it('verify: exit 1 and every problem for a tampered chain', async () => {
      await runSql(t.store, 'update audit_records set model = \'gpt-3.5\' where seq = 2', 'delete from audit_records where seq = 4');
      const io = capture();
      expect(await runAuditVerify({ config }, io)).toBe(EXIT_BROKEN);
      expect(io.out()).toContain('audit chain BROKEN: 2 problem(s) in 4 records checked');
      expect(io.out()).toContain('  seq 2 (request req_2): changed: its content does not match its hash\n');
      expect(io.out()).toContain('  seq 4: removed: the chain jumps from seq 3 to seq 5 (request req_5)\n');
    });

    it('verify --expect-head: exit 1 when the newest records were removed', async () => {
      const first = capture();
      await runAuditVerify({ config }, first);
      const head = /head: (\S+)/.exec(first.out())?.[1] ?? '';
      await runSql(t.store, 'delete from audit_records where seq = 5');
      expect(await runAuditVerify({ config }, capture())).toBe(EXIT_OK);
      const io = capture();
      expect(await runAuditVerify({ config, expectHead: head }, io)).toBe(EXIT_BROKEN);
      expect(io.out()).toContain('truncated: the chain ends at seq 4, but a head at seq 5 was recorded');
    });

    it('exit 2 when it cannot check: a missing config, a malformed head', async () => {
      const missing = capture();
      expect(await runAuditVerify({ config: path.join(dir, 'nope.yaml') }, missing)).toBe(EXIT_FAILED);
      expect(missing.err()).toContain('nope.yaml');
      const malformed = capture();
      expect(await runAuditVerify({ config, expectHead: '5:abc' }, malformed)).toBe(EXIT_FAILED);
      expect(malformed.err()).toContain('--expect-head must be SEQ:HASH');
    });

    it('export: JSON Lines of every record to --out, or to stdout', async () => {
      const out = path.join(dir, 'audit.jsonl');
      const io = capture();
      expect(await runAuditExport({ config, out }, io)).toBe(EXIT_OK);
      expect(io.err()).toBe(`exported 5 audit records to ${out}\n`);
      const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { request_id: string }).request_id)).toEqual(['req_1', 'req_2', 'req_3', 'req_4', 'req_5']);

      const piped = capture();
      expect(await runAuditExport({ config, from: '2026-03-01T12:00:03Z' }, piped)).toBe(EXIT_OK);
      expect(piped.out().trimEnd().split('\n')).toHaveLength(2);
      expect(await runAuditExport({ config, to: 'last tuesday' }, capture())).toBe(EXIT_FAILED);
    });

    it('the built binary exits 0, then 1 once a record is changed, and exports', async () => {
      if (!existsSync(path.join(ROOT, 'dist/cli/audit.js'))) throw new Error('dist/ is not built: run "npm run build" before this test');
      const clean = await gatehouse(['audit', 'verify', '--config', config]);
      expect(clean).toMatchObject({ code: 0, stdout: expect.stringContaining('audit chain OK: 5 records') });
      const exported = await gatehouse(['audit', 'export', '--config', config]);
      expect(exported.code).toBe(0);
      expect(exported.stdout.trimEnd().split('\n')).toHaveLength(5);
      await runSql(t.store, 'update audit_records set status = 200 + seq where seq = 3');
      const broken = await gatehouse(['audit', 'verify', '--config', config]);
      expect(broken).toMatchObject({ code: 1, stdout: expect.stringContaining('seq 3 (request req_3): changed') });
    });
  });
}
