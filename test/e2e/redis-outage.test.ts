/**
 * Redis dies under load, in both `limits.on_redis_error` modes. The shared Redis is never touched: each test runs
 * its own `redis-server` on a free port, sends steady chat traffic through a gateway that counts its limits and
 * budgets there, kills the server (SIGKILL) mid-load, and later starts a new one on the same port.
 *
 * - `open`: every request keeps succeeding; limits are then counted by the replica alone (a small limit still
 *   refuses), the outage is logged once and counted in the metrics; when Redis is back, limits are counted there.
 * - `closed`: requests are refused at once with 503 GH_ERR_LIMITS_UNAVAILABLE (no request hangs); when Redis is
 *   back, requests succeed again.
 *
 * CI machines have `redis-server`: there, a missing binary fails the tests; elsewhere they are skipped.
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { chat, eventually, type ChatAnswer } from '../support/gateway-calls.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { metricValue } from '../support/prometheus.js';
import { connectedClient } from '../support/redis.js';
import { redisServerInstalled, startRedisServer, type RedisServerProcess } from '../support/redis-server-process.js';

const installed = redisServerInstalled();
const required = Boolean(process.env.CI);
const LOAD_KEY = 'gh-outage-load-key-0123456789';
const SMALL_KEY = 'gh-outage-small-key-0123456789';
const SMALL_RPM = 5;
const LOOPS = 6;
const KEY_PREFIX = 'gatehouse-outage:';
/** The bucket keys of the two callers (bootstrap keys: subjects `key:bootstrap-1` and `key:bootstrap-2`). */
const loadWindowKey = `{${KEY_PREFIX}rl:user:key:bootstrap-1}:w`;
const smallWindowKey = `{${KEY_PREFIX}rl:user:key:bootstrap-2}:w`;
const body = { model: 'mock', max_tokens: 16, messages: [{ role: 'user', content: 'hello there' }] };

function outageConfig(redisUrl: string, mode: 'open' | 'closed'): object {
  return {
    server: { api_keys: [LOAD_KEY, SMALL_KEY] },
    redis: { url: redisUrl, key_prefix: KEY_PREFIX },
    limits: { on_redis_error: mode, redis_timeout: '250ms' },
    providers: { mock: { type: 'mock', latency: '10ms' } },
    models: [{ name: 'mock', deployments: [{ provider: 'mock', model: 'mock-model', input_cost_per_mtok: 1, output_cost_per_mtok: 1 }] }],
    policies: [
      { name: 'everyone', allow: { authenticated_user: true } },
      { name: 'shared limit and budget', when: { authenticated_user: true }, limits: [{ per: 'user', rpm: 100_000 }], budgets: [{ per: 'user', usd: 1_000, period: 'month' }] },
      { name: 'small limit', when: { user: { is: 'key:bootstrap-2' } }, limits: [{ per: 'user', rpm: SMALL_RPM }] },
    ],
  };
}

/** Steady traffic: `LOOPS` loops, each sending one request after another until stopped. */
class Load {
  readonly answers: ChatAnswer[] = [];
  readonly failures: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(url: string) {
    this.loops = Array.from({ length: LOOPS }, () => this.loop(url));
  }

  private async loop(url: string): Promise<void> {
    while (this.running) {
      try {
        this.answers.push(await chat(url, LOAD_KEY, body));
      } catch (error) {
        this.failures.push((error as Error).message);
      }
      // Refusals come back at once; a short pause keeps the loops from saturating the machine.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  since(at: number): ChatAnswer[] {
    return this.answers.filter((answer) => answer.startedAt >= at);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statuses = (answers: ChatAnswer[]) => answers.reduce<Record<string, number>>((tally, answer) => ({ ...tally, [answer.status]: (tally[answer.status] ?? 0) + 1 }), {});

/** The messages of the warnings logged after the first `from` lines, sorted. */
function warningsSince(gateway: TestGateway, from: number): string[] {
  const entries = gateway.logs.lines.slice(from).map((line) => JSON.parse(line) as { level: number; msg: string });
  return entries.filter((entry) => entry.level === 40).map((entry) => entry.msg).sort();
}

/** `n` requests of the caller with the small limit, one after another. */
async function smallCaller(url: string, n: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) seen.push((await chat(url, SMALL_KEY, body)).status);
  return seen;
}

describe.runIf(installed || required)(`Redis killed under load${installed ? '' : ' (skipped outside CI: redis-server is not installed)'}`, () => {
  let server: RedisServerProcess | undefined;
  let gateway: TestGateway | undefined;
  let load: Load | undefined;
  let inspector: Redis | undefined;

  afterEach(async () => {
    await load?.stop();
    inspector?.disconnect();
    await gateway?.close();
    await server?.kill();
    [server, gateway, load, inspector] = [undefined, undefined, undefined, undefined];
  });

  async function startAll(mode: 'open' | 'closed'): Promise<{ port: number; url: string }> {
    if (!installed) throw new Error('redis-server is not installed: CI machines must have it (Debian package redis-server) for the Redis outage tests');
    const port = await freePort();
    server = await startRedisServer(port);
    gateway = await startTestGateway(outageConfig(server.url, mode), { logLevel: 'info' });
    inspector = await connectedClient(server.url);
    return { port, url: gateway.url };
  }

  it('on_redis_error: open keeps serving, counts limits per replica while Redis is away, and shares them again once it is back', async () => {
    const { port, url } = await startAll('open');
    const traffic = (load = new Load(url));
    await pause(1_000);
    // Counted in Redis while it is up.
    expect(Number(await inspector!.hget(loadWindowKey, 'rc'))).toBeGreaterThan(0);
    inspector!.disconnect();

    const killedAt = Date.now();
    const logLinesAtKill = gateway!.logs.lines.length;
    await server!.kill();
    await pause(1_500);
    // Limits still hold during the outage, counted by this replica alone.
    expect(await smallCaller(url, SMALL_RPM + 2)).toEqual([...Array<number>(SMALL_RPM).fill(200), 429, 429]);
    const metrics = await gateway!.metrics();

    server = await startRedisServer(port);
    inspector = await connectedClient(server.url);
    await gateway!.logs.waitFor('redis reachable again; rate limits are shared across replicas', 10_000);
    const backAt = Date.now();
    await pause(500);
    await traffic.stop();
    load = undefined;

    // Not one request failed, before, during or after the outage.
    expect(traffic.failures).toEqual([]);
    expect(statuses(traffic.answers)).toEqual({ 200: traffic.answers.length });
    expect(traffic.since(killedAt).filter((answer) => answer.startedAt < backAt).length).toBeGreaterThan(10);
    expect(metricValue(metrics, 'gatehouse_limits_degraded_total', { component: 'limits', mode: 'open' })).toBeGreaterThan(0);
    expect(metricValue(metrics, 'gatehouse_limits_degraded_total', { component: 'budgets', mode: 'open' })).toBeGreaterThan(0);
    expect(metricValue(metrics, 'gatehouse_redis_errors_total')).toBeGreaterThan(0);
    // Logged once per outage and component, not once per request.
    expect(warningsSince(gateway!, logLinesAtKill)).toEqual([
      'redis unreachable for budgets; requests are served without budget checks until it is back (spend is still recorded)',
      'redis unreachable for rate limits; rate limits are enforced per replica until it is back',
    ]);

    // Back on Redis: the new server counts the traffic, and the small limit is counted there from scratch.
    expect(Number(await inspector!.hget(loadWindowKey, 'rc'))).toBeGreaterThan(0);
    expect(await smallCaller(url, SMALL_RPM + 1)).toEqual([...Array<number>(SMALL_RPM).fill(200), 429]);
    expect(Number(await inspector!.hget(smallWindowKey, 'rc'))).toBe(SMALL_RPM);
  }, 40_000);

  it('on_redis_error: closed answers 503 GH_ERR_LIMITS_UNAVAILABLE at once while Redis is away, and serves again once it is back', async () => {
    const { port, url } = await startAll('closed');
    const traffic = (load = new Load(url));
    await pause(1_000);
    expect(Number(await inspector!.hget(loadWindowKey, 'rc'))).toBeGreaterThan(0);
    inspector!.disconnect();

    const killedAt = Date.now();
    const logLinesAtKill = gateway!.logs.lines.length;
    await server!.kill();
    await pause(1_500);
    const metrics = await gateway!.metrics();
    const restartedAt = Date.now();
    server = await startRedisServer(port);
    inspector = await connectedClient(server.url);
    const firstServed = await eventually(async () => traffic.answers.filter((answer) => answer.startedAt >= restartedAt && answer.status === 200), (served) => served.length > 0, 10_000, 'a request served after the restart');
    const recoveredAt = firstServed[0]!.startedAt;
    await pause(500);
    await traffic.stop();
    load = undefined;

    expect(traffic.failures).toEqual([]);
    // Before the kill: served. While Redis was away (after the client noticed): refused quickly, never hung.
    expect(statuses(traffic.answers.filter((answer) => answer.startedAt + answer.ms < killedAt))).toEqual({ 200: expect.any(Number) });
    const during = traffic.answers.filter((answer) => answer.startedAt >= killedAt + 300 && answer.startedAt < restartedAt);
    expect(during.length).toBeGreaterThan(10);
    for (const answer of during) {
      expect([answer.status, answer.errorCode]).toEqual([503, 'GH_ERR_LIMITS_UNAVAILABLE']);
      expect(answer.headers['retry-after']).toBe('1');
    }
    const slowest = Math.max(...traffic.since(killedAt).filter((answer) => answer.status === 503).map((answer) => answer.ms));
    expect(slowest, `slowest refusal took ${slowest} ms`).toBeLessThan(2_000);
    // Once served again, it stays served.
    expect(statuses(traffic.answers.filter((answer) => answer.startedAt > recoveredAt))).toEqual({ 200: expect.any(Number) });
    expect(recoveredAt - restartedAt, 'recovery after the restart').toBeLessThan(5_000);
    expect(metricValue(metrics, 'gatehouse_limits_degraded_total', { component: 'limits', mode: 'closed' })).toBeGreaterThan(0);
    // The outage is logged once per component, not once per refused request.
    expect(warningsSince(gateway!, logLinesAtKill)).toEqual([
      'redis unreachable for budgets; requests under a budget are refused with 503 until it is back',
      'redis unreachable for rate limits; requests are refused with 503 until it is back',
    ]);
    expect(Number(await inspector!.hget(loadWindowKey, 'rc'))).toBeGreaterThan(0);
  }, 40_000);
});
