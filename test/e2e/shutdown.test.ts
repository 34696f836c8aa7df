/**
 * A SIGTERM under load loses no record. The gateway runs as a real child process (the built CLI) with its writers
 * flushing only every 30 s, so that at the signal every record of the run is still queued in memory; clients keep
 * sending until the process is gone. Afterwards the store must hold exactly one usage record and one audit record
 * for every request a client saw answered with a complete 200, and the audit chain must verify.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { verifyAuditChain } from '../../src/audit/verify.js';
import { openStore, type Store } from '../../src/store/database.js';
import { listUsageRecords } from '../../src/store/usage-records.js';
import { ChatLoad, type ChatLoadTally } from '../support/chat-load.js';
import { GATEWAY_KEY } from '../support/config.js';
import { spawnGateway, type GatewayProcess, type ProcessExit } from '../support/gateway-process.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';

const CONCURRENCY = 16;
const LOAD_MS = 2_000;
const LLM_PATH = '/v1/chat/completions';

function gatewayConfig(storeUrl: string): object {
  return {
    server: { listen: '127.0.0.1:0', api_keys: [GATEWAY_KEY] },
    // Nothing is written on a timer during the test (a full batch would be written at once, hence the size):
    // every record depends on the shutdown flush.
    storage: { url: storeUrl, flush_interval: '30s', batch_size: 100_000 },
    providers: { mock: { type: 'mock', latency: '20ms', chunk_delay: '2ms' } },
    models: [{ name: 'mock-model', deployments: [{ provider: 'mock', model: 'mock-model', input_cost_per_mtok: 1, output_cost_per_mtok: 2 }] }],
    audit: { retention: 'forever' },
    logging: { level: 'warn' },
  };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function countAudit(store: Store): Promise<number> {
  const row = await store.db.selectFrom('audit_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

const sorted = (values: Iterable<string>) => [...values].sort();

for (const database of testDatabases().filter((db) => db.persistent)) {
  describe.runIf(database.enabled)(`graceful shutdown on ${database.name}`, () => {
    let dir: string | undefined;
    let target: OpenedTestDatabase | undefined;
    let reader: Store | undefined;
    let gateway: GatewayProcess | undefined;
    let load: ChatLoad | undefined;

    afterEach(async () => {
      await load?.stop();
      await gateway?.kill();
      await reader?.close();
      await target?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
      [load, gateway, reader, target, dir] = [undefined, undefined, undefined, undefined, undefined];
    });

    it('a SIGTERM under load loses no record (requests answered = records stored)', async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-shutdown-'));
      target = await database.open();
      const configPath = path.join(dir, 'gatehouse.yaml');
      await writeFile(configPath, stringify(gatewayConfig(target.url)));
      const running = (gateway = await spawnGateway(configPath));
      reader = await openStore(target.url);

      const traffic = (load = new ChatLoad({ url: running.url, apiKey: GATEWAY_KEY, model: 'mock-model', concurrency: CONCURRENCY }));
      await until(() => traffic.answered >= CONCURRENCY, 30_000, 'the first answers');
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS));

      const storedAtSignal = await countAudit(reader);
      const answeredAtSignal = traffic.answered;
      const signalledAt = Date.now();
      process.kill(running.pid, 'SIGTERM');
      const exit: ProcessExit = await within(running.exited, 60_000, 'exit after SIGTERM');
      const tally: ChatLoadTally = await traffic.stop();
      load = undefined;

      const context = `\nclients saw: ${JSON.stringify({ answered: tally.answered.length, refused: tally.refused, connectionErrors: tally.connectionErrors })}\ngateway output:\n${running.output()}`;
      expect(exit, context).toEqual({ code: 0, signal: null });
      // The signal really came under load: records were still queued, and requests in flight were answered after it.
      expect(storedAtSignal, context).toBeLessThan(answeredAtSignal);
      expect(tally.answeredAt.filter((at) => at > signalledAt).length, context).toBeGreaterThan(0);
      // Refusals while closing are 503s (or no connection at all); never a 200 cut short or another error.
      expect(Object.keys(tally.refused).filter((status) => status !== '503'), context).toEqual([]);

      const answered = sorted(tally.answered);
      expect(new Set(answered).size, 'request ids are unique').toBe(answered.length);
      const audit = await reader.db.selectFrom('audit_records').select(['request_id', 'path', 'status']).where('path', '=', LLM_PATH).execute();
      const usage = await listUsageRecords(reader.db, { limit: 1_000_000 });
      expect(sorted(audit.filter((row) => row.status === 200).map((row) => row.request_id)), context).toEqual(answered);
      expect(sorted(usage.filter((row) => row.status === 200).map((row) => row.requestId)), context).toEqual(answered);
      // Model calls that reached the pipeline have both records; a request refused while closing is audited too.
      expect(usage.length, context).toBe(audit.filter((row) => row.status === 200).length);
      for (const row of audit.filter((r) => r.status !== 200)) expect(row.status, context).toBe(503);
      expect(audit.length - answered.length, context).toBe(tally.refused['503'] ?? 0);

      const chain = await verifyAuditChain(reader.db);
      expect(chain, context).toMatchObject({ ok: true, problemCount: 0, checked: await countAudit(reader) });
    }, 180_000);
  });
}
