/**
 * A restart forgets nothing of a month's spend. A gateway without Redis (memory budget ledger) runs as a real
 * process; requests spend part of a monthly budget; the process is stopped with SIGTERM and started again on the
 * same store. Afterwards /admin/api/spend reports the same month, and the budget has exactly the room it had: the
 * counters were rebuilt from the store, so the request that would overspend is refused as it would have been
 * without the restart (with counters starting from zero it would be admitted).
 *
 * Runs on a SQLite file, and on Postgres when TEST_DATABASE_URL is set (failing if it is set but unreachable).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GATEWAY_KEY, openaiProvider } from '../support/config.js';
import { chat, eventually, spendByUser, type SpendRow } from '../support/gateway-calls.js';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';

// Every request costs exactly its reservation: a 40-character prompt (estimated at 10 input tokens), max_tokens
// 10, and an upstream reporting 10 input and 10 output tokens, at $50 per million: $0.001 a request.
const PROMPT = 'Tell me something short about the moon!!';
const PRICE_PER_MTOK = 50;
const REQUEST_USD = 0.001;
/** Room for five requests, not six. */
const BUDGET_USD = 0.0055;
const BEFORE_RESTART = 3;
const SUBJECT = 'key:bootstrap-1';

const body = { model: 'priced', max_tokens: 10, messages: [{ role: 'user', content: PROMPT }] };

function gatewayConfig(storeUrl: string, upstream: OpenaiUpstream): object {
  return {
    server: { listen: '127.0.0.1:0', api_keys: [GATEWAY_KEY] },
    storage: { url: storeUrl, flush_interval: '100ms' },
    providers: { upstream: openaiProvider(upstream) },
    models: [{ name: 'priced', deployments: [{ provider: 'upstream', model: 'gpt-upstream', input_cost_per_mtok: PRICE_PER_MTOK, output_cost_per_mtok: PRICE_PER_MTOK }] }],
    policies: [
      { name: 'everyone', allow: { authenticated_user: true } },
      { name: 'monthly budget', when: { authenticated_user: true }, budgets: [{ per: 'user', usd: BUDGET_USD, period: 'month' }] },
    ],
    logging: { level: 'warn' },
  };
}

const spendOf = (rows: SpendRow[]) => rows.find((row) => row.value === SUBJECT);

for (const database of testDatabases().filter((db) => db.persistent)) {
  describe.runIf(database.enabled)(`spend across a restart on ${database.name}`, () => {
    let dir: string | undefined;
    let target: OpenedTestDatabase | undefined;
    let upstream: OpenaiUpstream | undefined;
    let gateway: GatewayProcess | undefined;

    afterEach(async () => {
      await gateway?.kill();
      await upstream?.close();
      await target?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
      [dir, target, upstream, gateway] = [undefined, undefined, undefined, undefined];
    });

    it('keeps the month’s spend and the budget’s remaining room after a SIGTERM and a start without Redis', async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-spend-restart-'));
      target = await database.open();
      upstream = await OpenaiUpstream.start();
      upstream.usage = { prompt: 10, completion: 10 };
      const configPath = path.join(dir, 'gatehouse.yaml');
      await writeFile(configPath, stringify(gatewayConfig(target.url, upstream)));

      const first = (gateway = await spawnGateway(configPath));
      for (let i = 0; i < BEFORE_RESTART; i++) {
        const answer = await chat(first.url, GATEWAY_KEY, body);
        expect(answer.status, first.output()).toBe(200);
        expect(answer.costUsd).toBeCloseTo(REQUEST_USD, 8);
      }
      const before = await eventually(() => spendByUser(first.url, GATEWAY_KEY), (rows) => spendOf(rows)?.requests === BEFORE_RESTART, 5_000, 'spend in the store');
      expect(spendOf(before)).toMatchObject({ requests: BEFORE_RESTART, input_tokens: 10 * BEFORE_RESTART, output_tokens: 10 * BEFORE_RESTART });
      expect(spendOf(before)!.cost_usd).toBeCloseTo(BEFORE_RESTART * REQUEST_USD, 8);

      process.kill(first.pid, 'SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });

      const second = (gateway = await spawnGateway(configPath));
      expect(await spendByUser(second.url, GATEWAY_KEY)).toEqual(before);
      // Room for exactly the requests that were left before the restart.
      const left = Math.floor((BUDGET_USD - BEFORE_RESTART * REQUEST_USD) / REQUEST_USD + 1e-9);
      for (let i = 0; i < left; i++) expect((await chat(second.url, GATEWAY_KEY, body)).status, second.output()).toBe(200);
      const over = await chat(second.url, GATEWAY_KEY, body);
      expect([over.status, over.errorCode], second.output()).toEqual([429, 'GH_ERR_BUDGET_EXCEEDED']);
      expect(over.errorMessage).toContain(`user:${SUBJECT}`);
      const after = await eventually(() => spendByUser(second.url, GATEWAY_KEY), (rows) => spendOf(rows)?.requests === BEFORE_RESTART + left, 5_000, 'spend after the restart');
      expect(spendOf(after)!.cost_usd).toBeCloseTo((BEFORE_RESTART + left) * REQUEST_USD, 8);
      expect(spendOf(after)!.cost_usd).toBeLessThanOrEqual(BUDGET_USD);
    }, 60_000);
  });
}
