/**
 * Two replicas, no balancer: two gateway processes (the built CLI) with the same config, sharing one Postgres
 * store and one Redis (under a key prefix of this run), in front of one local OpenAI-compatible upstream. Clients
 * send to both at once; the limits, budgets, revocations and sessions must hold across the two together:
 *
 * - a 30-rpm user limit admits exactly 30 of 80 concurrent requests in total, with OpenAI's rate-limit headers;
 * - a key revoked through one replica is refused by the other within `identity.keys.revocation_delay`;
 * - a budget whose estimates bound the actual costs is never overspent, however many requests race for it;
 * - a sign-in made through one replica is a session on the other.
 *
 * Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set; when they are set but unreachable, it fails.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultDemoUsers, startDemoIdp, type DemoIdp } from '../../src/demo/idp.js';
import { openaiProvider } from '../support/config.js';
import { freePort } from '../support/free-port.js';
import { chat, createServiceKey, revokeKey, spendByUser, eventually, type ChatAnswer } from '../support/gateway-calls.js';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.js';
import { connectedClient, deletePrefix, redisUrl, testKeyPrefix } from '../support/redis.js';
import { loginFormAction, ScriptedBrowser } from '../support/scripted-browser.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';

const postgres = testDatabases().find((database) => database.dialect === 'postgres')!;
const enabled = postgres.enabled && Boolean(redisUrl);
const suiteName = `two replicas sharing Postgres and Redis${enabled ? '' : ' (skipped: set TEST_DATABASE_URL=postgres://… and TEST_REDIS_URL=redis://… to run)'}`;

const ADMIN_KEY = 'gh-replicas-admin-key-0123456789';
const SECRET = 'replicas-test-secret-0123456789abcdef';
const CLIENT_SECRET = 'replicas-client-secret-0123456789';
const RPM = 30;
const REVOCATION_DELAY_MS = 1_000;

// Priced so that a request's reservation (input estimate + max_tokens) bounds its actual cost: the 48-character
// prompt is estimated at 12 input tokens, the upstream reports 12 input and 5 output tokens, max_tokens is 8.
const PRICE_PER_MTOK = 25;
const BUDGET_USD = 0.01;
const PROMPT = 'Please answer this question in very few words!!!';
const MAX_TOKENS = 8;
const ESTIMATE_MICRO_USD = (Math.ceil(PROMPT.length / 4) + MAX_TOKENS) * PRICE_PER_MTOK;
const ACTUAL_MICRO_USD = (12 + 5) * PRICE_PER_MTOK;
const BUDGET_MICRO_USD = BUDGET_USD * 1e6;

const chatBody = { model: 'priced', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: PROMPT }] };

function replicaConfig(options: { port: number; publicUrl: string; storeUrl: string; keyPrefix: string; upstream: OpenaiUpstream; idp: DemoIdp }): object {
  return {
    server: { listen: `127.0.0.1:${options.port}`, public_url: options.publicUrl, api_keys: [ADMIN_KEY] },
    storage: { url: options.storeUrl, flush_interval: '100ms' },
    redis: { url: redisUrl, key_prefix: options.keyPrefix },
    // Above the default 250 ms: a busy test machine can stall a replica's event loop that long, and a call that
    // times out falls back to per-replica limits, which is what the outage test covers, not this one.
    limits: { redis_timeout: '2s' },
    secret: SECRET,
    providers: { upstream: openaiProvider(options.upstream) },
    models: [{ name: 'priced', deployments: [{ provider: 'upstream', model: 'gpt-upstream', input_cost_per_mtok: PRICE_PER_MTOK, output_cost_per_mtok: PRICE_PER_MTOK }] }],
    identity: {
      oidc: { issuer: options.idp.issuer, client_id: 'gatehouse-replicas', client_secret: CLIENT_SECRET },
      keys: { revocation_delay: `${REVOCATION_DELAY_MS}ms` },
    },
    policies: [
      { name: 'everyone signed in', allow: { authenticated_user: true } },
      { name: 'rate-limited user', when: { user: { is: 'rl-user' } }, limits: [{ per: 'user', rpm: RPM }] },
      { name: 'budgeted user', when: { user: { is: 'budget-user' } }, budgets: [{ per: 'user', usd: BUDGET_USD, period: 'month' }] },
    ],
    logging: { level: 'warn' },
  };
}

/** Waits, when needed, until a new clock minute has just begun, so a burst stays within one fixed minute. */
async function awayFromMinuteBoundary(burstMs: number): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute + burstMs < 60_000) return;
  await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
}

const count = (answers: ChatAnswer[], status: number) => answers.filter((answer) => answer.status === status).length;

describe.runIf(enabled)(suiteName, () => {
  let dir: string;
  let database: OpenedTestDatabase | undefined;
  let upstream: OpenaiUpstream | undefined;
  let idp: DemoIdp | undefined;
  let redis: Redis | undefined;
  let keyPrefix: string;
  let a: GatewayProcess | undefined;
  let b: GatewayProcess | undefined;
  let rlKey: string;
  let budgetKey: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-replicas-'));
    // Both reachable, or the suite fails here (never skipped once configured).
    redis = await connectedClient(redisUrl!);
    database = await postgres.open();
    keyPrefix = testKeyPrefix();
    upstream = await OpenaiUpstream.start();
    const [portA, portB] = [await freePort(), await freePort()];
    // One public address for both, as behind a balancer: the IdP redirects to it, and it is replica A here.
    const publicUrl = `http://127.0.0.1:${portA}`;
    idp = await startDemoIdp({
      users: defaultDemoUsers(),
      clients: [{ clientId: 'gatehouse-replicas', clientSecret: CLIENT_SECRET, redirectUris: [`${publicUrl}/.gatehouse/callback`], postLogoutRedirectUris: [`${publicUrl}/`] }],
    });
    const start = async (name: string, port: number) => {
      const replicaDir = path.join(dir, name);
      await mkdir(replicaDir);
      const configPath = path.join(replicaDir, 'gatehouse.yaml');
      await writeFile(configPath, stringify(replicaConfig({ port, publicUrl, storeUrl: database!.url, keyPrefix, upstream: upstream!, idp: idp! })));
      return spawnGateway(configPath);
    };
    // Started together, as replicas are: both migrate the same fresh schema at once.
    [a, b] = await Promise.all([start('a', portA), start('b', portB)]);
    rlKey = (await createServiceKey(a.url, ADMIN_KEY, 'rl-user')).key;
    budgetKey = (await createServiceKey(a.url, ADMIN_KEY, 'budget-user')).key;
    // Warm both replicas (connections, compiled code paths) with a caller no limit or budget applies to.
    const warmKey = (await createServiceKey(a.url, ADMIN_KEY, 'warm-user')).key;
    await Promise.all(Array.from({ length: 20 }, (_, i) => chat(i % 2 === 0 ? a!.url : b!.url, warmKey, chatBody)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await upstream?.close();
    await idp?.close();
    if (redis) {
      await deletePrefix(redis, keyPrefix);
      // Session mirror keys carry the prefix without a hash tag.
      for (const key of await redis.keys(`${keyPrefix}*`)) await redis.del(key);
      redis.disconnect();
    }
    await database?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const output = () => `\nreplica A:\n${a?.output() ?? ''}\nreplica B:\n${b?.output() ?? ''}`;

  it(`a ${RPM}-rpm user limit admits exactly ${RPM} of 80 concurrent requests sent to both replicas`, async () => {
    await awayFromMinuteBoundary(10_000);
    const answers = await Promise.all(Array.from({ length: 80 }, (_, i) => chat(i % 2 === 0 ? a!.url : b!.url, rlKey, chatBody)));

    expect(count(answers, 200), output()).toBe(RPM);
    expect(count(answers, 429), output()).toBe(80 - RPM);
    const admitted = answers.filter((answer) => answer.status === 200);
    for (const answer of admitted) expect(answer.headers['x-ratelimit-limit-requests']).toBe(String(RPM));
    // One shared, atomic counter: each admitted request saw its own count, from 29 left down to 0.
    const remaining = admitted.map((answer) => Number(answer.headers['x-ratelimit-remaining-requests'])).sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: RPM }, (_, i) => i));
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.errorCode).toBe('GH_ERR_RATE_LIMITED');
      expect(refused.headers).toMatchObject({ 'x-ratelimit-limit-requests': String(RPM), 'x-ratelimit-remaining-requests': '0' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after-ms'])).toBeGreaterThan(0);
      // At most until the next minute, plus the time its estimate of this minute takes to fall below the limit.
      expect(Number(refused.headers['retry-after-ms'])).toBeLessThanOrEqual(60_000 + 60_000 / RPM);
    }
    // Both replicas were refusing: the limit is not held by one of them alone.
    const refusedBy = new Set(answers.flatMap((answer, i) => (answer.status === 429 ? [i % 2] : [])));
    expect(refusedBy.size).toBe(2);
  });

  it('a key revoked on one replica is refused by the other within identity.keys.revocation_delay', async () => {
    const created = await createServiceKey(a!.url, ADMIN_KEY, 'revoke-user');
    // B has looked the key up, so it is in B's cache when A revokes it.
    expect((await chat(b!.url, created.key, chatBody)).status).toBe(200);
    expect((await chat(a!.url, created.key, chatBody)).status).toBe(200);

    await revokeKey(a!.url, ADMIN_KEY, created.id);
    const revokedAt = Date.now();
    const onA = await chat(a!.url, created.key, chatBody);
    expect([onA.status, onA.errorCode]).toEqual([401, 'GH_ERR_AUTH_INVALID']);

    const refusedByB = await eventually(() => chat(b!.url, created.key, chatBody), (answer) => answer.status !== 200, REVOCATION_DELAY_MS + 3_000, 'refusal on replica B');
    const delayMs = refusedByB.startedAt - revokedAt;
    expect([refusedByB.status, refusedByB.errorCode]).toEqual([401, 'GH_ERR_AUTH_INVALID']);
    // The stated bound, plus the time one request takes on a loaded machine.
    expect(delayMs, `B refused the revoked key ${delayMs} ms after the revocation`).toBeLessThanOrEqual(REVOCATION_DELAY_MS + 250);
    // And it stays refused.
    const later = await Promise.all(Array.from({ length: 5 }, () => chat(b!.url, created.key, chatBody)));
    expect(later.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
  });

  it('a budget is not overspent when 50 requests at a time race for it across both replicas', async () => {
    // Every request of a wave is in flight at once: each holds its reservation while the upstream waits.
    upstream!.always({ kind: 'delay', ms: 600 });
    const wave = () => Promise.all(Array.from({ length: 50 }, (_, i) => chat(i % 2 === 0 ? a!.url : b!.url, budgetKey, chatBody)));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const first = await wave();
      await settle();
      const second = await wave();
      await settle();
      const third = await wave();

      // Reservations of the estimate fill the budget exactly; then actual costs free some room, and no more.
      const firstRoom = Math.floor(BUDGET_MICRO_USD / ESTIMATE_MICRO_USD);
      const secondRoom = Math.floor((BUDGET_MICRO_USD - firstRoom * ACTUAL_MICRO_USD) / ESTIMATE_MICRO_USD);
      expect([count(first, 200), count(second, 200), count(third, 200)], output()).toEqual([firstRoom, secondRoom, 0]);
      const all = [...first, ...second, ...third];
      for (const refused of all.filter((answer) => answer.status !== 200)) {
        expect([refused.status, refused.errorCode]).toEqual([429, 'GH_ERR_BUDGET_EXCEEDED']);
        expect(refused.headers['x-should-retry']).toBe('false');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }

      const admitted = all.filter((answer) => answer.status === 200);
      const headerSum = admitted.reduce((sum, answer) => sum + answer.costUsd, 0);
      expect(headerSum).toBeLessThanOrEqual(BUDGET_USD);
      expect(headerSum).toBeCloseTo(((firstRoom + secondRoom) * ACTUAL_MICRO_USD) / 1e6, 8);
      // The store agrees, whichever replica is asked and whichever served the requests.
      for (const replica of [a!, b!]) {
        const rows = await eventually(
          () => spendByUser(replica.url, ADMIN_KEY),
          (data) => data.find((row) => row.value === 'budget-user')?.requests === admitted.length,
          5_000,
          'spend of budget-user',
        );
        const row = rows.find((r) => r.value === 'budget-user')!;
        expect(row.cost_usd).toBeCloseTo(headerSum, 8);
        expect(row.cost_usd).toBeLessThanOrEqual(BUDGET_USD);
        expect(row.output_tokens).toBe(admitted.length * 5);
      }
    } finally {
      upstream!.always(undefined);
    }
  }, 30_000);

  it('a sign-in made through one replica is a session on the other', async () => {
    const browser = new ScriptedBrowser();
    const alice = defaultDemoUsers().find((user) => user.username === 'alice')!;
    const form = await eventually(
      () => browser.visit(`${a!.url}/.gatehouse/sign_in?return_to=/.gatehouse/me`),
      (visit) => visit.status === 200 && visit.body.includes('DEMO'),
      5_000,
      'the IdP login form',
    );
    const landed = await browser.visit(loginFormAction(form.body, form.url), { form: { username: alice.username, password: alice.password } });
    expect(landed.url).toBe(`${a!.url}/.gatehouse/me`);
    const cookie = browser.cookie(a!.url, 'gatehouse_session');
    expect(cookie).toBeDefined();

    const other = new ScriptedBrowser();
    const anonymous = await other.request(`${b!.url}/.gatehouse/me`, { accept: 'application/json' });
    expect(anonymous.status).toBe(401);
    other.setCookie(b!.url, 'gatehouse_session', cookie!);
    const me = await other.request(`${b!.url}/.gatehouse/me`, { accept: 'application/json' });
    expect(me.status, me.body).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ subject: 'alice', email: 'alice@example.com', authMethod: 'session' });
  });
});
