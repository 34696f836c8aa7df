import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import { UpstreamFailure } from '../../src/providers/upstream-failure.js';
import { Router } from '../../src/router/index.js';
import { deployment, FakeClock, group, groupMap, recordingObserver, routing, scriptedAttempt, seededRandom } from './fakes.js';

const status = (code: number, retryAfterMs?: number) =>
  new UpstreamFailure('status', `HTTP ${code} from api.internal.example: quota for key sk-123 exceeded`, { status: code, retryAfterMs });
const connect = () => new UpstreamFailure('connect', 'ECONNREFUSED 10.0.0.7:443');
const signal = () => new AbortController().signal;

function setup(deploymentIds: string[], overrides: Parameters<typeof routing>[0] = {}, random = seededRandom(7)) {
  const clock = new FakeClock();
  const observer = recordingObserver();
  const deployments = deploymentIds.map((id) => deployment('g', id));
  const router = new Router({ groups: groupMap(group('g', deployments)), routing: routing(overrides), observer, random, sleep: clock.sleep, now: clock.now });
  return { router, clock, observer, deployments };
}

describe('Router.dispatch: the first attempt succeeds', () => {
  it('returns the value, the deployment and one attempt, and holds an in-flight slot until released', async () => {
    const { router, clock, deployments } = setup(['a']);
    const attempt = scriptedAttempt('answer');
    const result = await router.dispatch('g', attempt, { signal: signal() });
    expect(result).toMatchObject({ value: 'answer', deployment: deployments[0], attempts: 1 });
    expect(result.fallbackFrom).toBeUndefined();
    expect(attempt.calls).toEqual(['a#1']);
    expect(router.health.inFlight(deployments[0]!)).toBe(1);
    result.release({ ok: true });
    result.release({ ok: true });
    expect(router.health.inFlight(deployments[0]!)).toBe(0);
    expect(router.health.snapshot(clock.time)[0]).toMatchObject({ recentSuccesses: 1, recentErrors: 0 });
  });

  it('counts a response that breaks after it started as an error, without a failure streak', async () => {
    const { router, clock } = setup(['a']);
    const result = await router.dispatch('g', scriptedAttempt('x'), { signal: signal() });
    result.release({ ok: false });
    expect(router.health.snapshot(clock.time)[0]).toMatchObject({ recentSuccesses: 0, recentErrors: 1, consecutiveFailures: 0, inFlight: 0 });
  });

  it('rejects an unknown model group', async () => {
    const { router } = setup(['a']);
    await expect(router.dispatch('nope', scriptedAttempt(), { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_MODEL_NOT_FOUND' });
  });
});

describe('Router.dispatch: retries', () => {
  it.each([
    ['a 5xx', status(503), 'status 503'],
    ['a connect failure', connect(), 'connect'],
    ['a 429 without retry-after', status(429), 'status 429'],
    ['a first-byte timeout', new UpstreamFailure('first_byte_timeout', 'slow'), 'first_byte_timeout'],
  ])('retries after %s and returns the success', async (_name, failure, reason) => {
    const { router, observer, clock, deployments } = setup(['a']);
    const attempt = scriptedAttempt(failure, 'ok');
    const result = await router.dispatch('g', attempt, { signal: signal() });
    expect(result).toMatchObject({ value: 'ok', attempts: 2 });
    expect(attempt.calls).toEqual(['a#1', 'a#2']);
    expect(observer.calls).toEqual([['retry', 'g/a', reason]]);
    expect(clock.sleeps).toHaveLength(1);
    expect(router.health.inFlight(deployments[0]!)).toBe(1);
  });

  it('prefers a deployment this dispatch has not tried yet, then tries one again', async () => {
    // random() = 0 makes the weighted draw pick the first acceptable deployment every time
    const { router } = setup(['a', 'b', 'c'], { retries: 3 }, () => 0);
    const attempt = scriptedAttempt(status(500), status(500), status(500), 'ok');
    await router.dispatch('g', attempt, { signal: signal() });
    expect(attempt.calls).toEqual(['a#1', 'b#2', 'c#3', 'a#4']);
  });

  it('makes retries + 1 attempts at most, then maps the last failure', async () => {
    const { router } = setup(['a'], { retries: 3, cooldown: { failures: 10, for: 1_000 } });
    const attempt = scriptedAttempt(connect(), connect(), connect(), status(502));
    const error = await router.dispatch('g', attempt, { signal: signal() }).catch((e: unknown) => e);
    expect(attempt.calls).toEqual(['a#1', 'a#2', 'a#3', 'a#4']);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ code: 'GH_ERR_UPSTREAM_ERROR', status: 502 });
  });

  it('backs off exponentially with jitter, capped at backoff.max', async () => {
    const clock = new FakeClock();
    const router = new Router({
      groups: groupMap(group('g', [deployment('g', 'a')])),
      routing: routing({ retries: 5, backoff: { initial: 100, max: 500 }, cooldown: { failures: 10, for: 1_000 } }),
      random: () => 0,
      sleep: clock.sleep,
      now: clock.now,
    });
    await router.dispatch('g', scriptedAttempt(connect(), connect(), connect(), connect(), connect(), 'ok'), { signal: signal() });
    expect(clock.sleeps).toEqual([50, 100, 200, 250, 250]);
  });

  it('waits what a 429 asks for when that is within backoff.max', async () => {
    const { router, clock } = setup(['a']);
    await router.dispatch('g', scriptedAttempt(status(429, 750), 'ok'), { signal: signal() });
    expect(clock.sleeps).toEqual([750]);
  });

  it('moves to another deployment at once when a retry-after is longer than backoff.max, and keeps it off meanwhile', async () => {
    const { router, clock, observer } = setup(['a', 'b']);
    const attempt = scriptedAttempt(status(429, 5_000), 'ok');
    const result = await router.dispatch('g', attempt, { signal: signal() });
    const [first, second] = attempt.calls.map((call) => call.split('#')[0]);
    expect(second).not.toBe(first);
    expect(result.deployment.id).toBe(second);
    expect(clock.sleeps).toEqual([]);
    expect(observer.calls).toContainEqual(['cooldown', `g/${first}`, 5_000]);
    expect(router.health.isCoolingDown(router.group('g')!.deployments.find((d) => d.id === first)!, clock.time + 4_999)).toBe(true);
  });

  it('gives up with the 429 when a long retry-after leaves no other deployment', async () => {
    const { router, clock } = setup(['a']);
    const attempt = scriptedAttempt(status(429, 5_000));
    await expect(router.dispatch('g', attempt, { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_UPSTREAM_RATE_LIMITED', retryAfterSeconds: 5 });
    expect(attempt.calls).toEqual(['a#1']);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('Router.dispatch: errors that are not deployment failures', () => {
  it('propagates them at once, without retrying or touching health', async () => {
    const { router, clock, deployments } = setup(['a', 'b']);
    const rejected = new GatehouseError('GH_ERR_UPSTREAM_REJECTED');
    const attempt = scriptedAttempt(rejected);
    await expect(router.dispatch('g', attempt, { signal: signal() })).rejects.toBe(rejected);
    expect(attempt.calls).toHaveLength(1);
    for (const d of deployments) expect(router.health.inFlight(d)).toBe(0);
    expect(router.health.snapshot(clock.time).every((s) => s.consecutiveFailures === 0 && s.recentErrors === 0)).toBe(true);
  });

  it('counts an upstream auth failure against the deployment and tries another one, never the same', async () => {
    const { router, clock } = setup(['a', 'b'], { cooldown: { failures: 1, for: 1_000 } });
    const attempt = scriptedAttempt(new GatehouseError('GH_ERR_UPSTREAM_AUTH'), 'ok');
    const result = await router.dispatch('g', attempt, { signal: signal() });
    const first = attempt.calls[0]!.split('#')[0];
    expect(result.deployment.id).not.toBe(first);
    expect(clock.sleeps).toEqual([]);
    expect(router.health.snapshot(clock.time).find((s) => s.id === first)).toMatchObject({ consecutiveFailures: 1, coolingDown: true });
  });

  it('rethrows an upstream auth failure when no other deployment is left', async () => {
    const { router } = setup(['a'], { cooldown: { failures: 5, for: 1_000 } });
    const attempt = scriptedAttempt(new GatehouseError('GH_ERR_UPSTREAM_AUTH', undefined, { detail: '401 from provider' }));
    const error = await router.dispatch('g', attempt, { signal: signal() }).catch((e: unknown) => e);
    expect(attempt.calls).toEqual(['a#1']);
    expect(error).toMatchObject({ code: 'GH_ERR_UPSTREAM_AUTH', status: 502 });
    expect((error as GatehouseError).detail).toContain('g/a: upstream_auth');
    expect((error as GatehouseError).detail).toContain('401 from provider');
  });
});

describe('Router.dispatch: abort', () => {
  it('stops during the backoff and rethrows the abort reason', async () => {
    const router = new Router({
      groups: groupMap(group('g', [deployment('g', 'a')])),
      routing: routing({ backoff: { initial: 60_000, max: 60_000 } }),
    });
    const controller = new AbortController();
    const reason = new Error('client disconnected');
    const attempt = scriptedAttempt(connect(), 'never reached');
    const started = Date.now();
    const dispatched = router.dispatch('g', attempt, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 10);
    await expect(dispatched).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempt.calls).toEqual(['a#1']);
  });

  it('rethrows the abort reason when an attempt fails because the client went away, without blaming the deployment', async () => {
    const { router, clock, deployments } = setup(['a']);
    const controller = new AbortController();
    const reason = new Error('client disconnected');
    const attempt = async () => {
      controller.abort(reason);
      throw connect();
    };
    await expect(router.dispatch('g', attempt, { signal: controller.signal })).rejects.toBe(reason);
    expect(router.health.inFlight(deployments[0]!)).toBe(0);
    expect(router.health.snapshot(clock.time)[0]).toMatchObject({ consecutiveFailures: 0, recentErrors: 0 });
  });

  it('makes no attempt when the signal has already aborted', async () => {
    const { router } = setup(['a']);
    const attempt = scriptedAttempt('ok');
    const reason = new Error('gone');
    await expect(router.dispatch('g', attempt, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(attempt.calls).toEqual([]);
  });
});

describe('Router.dispatch: the error after every attempt failed', () => {
  it.each([
    [status(429, 2_500), 'GH_ERR_UPSTREAM_RATE_LIMITED', 429, 3],
    [status(429), 'GH_ERR_UPSTREAM_RATE_LIMITED', 429, undefined],
    [new UpstreamFailure('first_byte_timeout', 'no headers from api.internal.example'), 'GH_ERR_UPSTREAM_TIMEOUT', 504, undefined],
    [new UpstreamFailure('timeout', 'total timeout'), 'GH_ERR_UPSTREAM_TIMEOUT', 504, undefined],
    [connect(), 'GH_ERR_UPSTREAM_UNAVAILABLE', 503, undefined],
    [status(502), 'GH_ERR_UPSTREAM_ERROR', 502, undefined],
  ])('maps a last failure of %s to %s', async (failure, code, httpStatus, retryAfterSeconds) => {
    const { router } = setup(['a'], { retries: 1, backoff: { initial: 10, max: 5_000 } });
    const error = await router.dispatch('g', scriptedAttempt(connect(), failure), { signal: signal() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    const gatehouseError = error as GatehouseError;
    expect(gatehouseError).toMatchObject({ code, status: httpStatus, retryAfterSeconds });
    expect(gatehouseError.message).not.toMatch(/internal|sk-|10\.0\.0|ECONN|HTTP/);
    expect(gatehouseError.detail).toBe(`all attempts failed: g/a: connect; g/a: ${failure.kind === 'status' ? `status ${failure.status}` : failure.kind}`);
    expect(gatehouseError.cause).toBe(failure);
  });
});
