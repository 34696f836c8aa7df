import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import { UpstreamFailure } from '../../src/providers/upstream-failure.js';
import { Router, type RouterOptions } from '../../src/router/index.js';
import type { Deployment, ModelGroup } from '../../src/router/types.js';
import { deployment, FakeClock, group, groupMap, recordingObserver, routing, scriptedAttempt, seededRandom } from './fakes.js';

const unavailable = () => new UpstreamFailure('status', 'HTTP 503', { status: 503 });
const signal = () => new AbortController().signal;

function makeRouter(groups: ModelGroup[], overrides: Partial<RouterOptions> = {}) {
  const clock = new FakeClock();
  const observer = recordingObserver();
  const router = new Router({ groups: groupMap(...groups), routing: routing(), observer, random: seededRandom(3), sleep: clock.sleep, now: clock.now, ...overrides });
  return { router, clock, observer };
}

describe('fallbacks', () => {
  it('falls back to the next group once retries are exhausted, and reports it', async () => {
    const { router, observer } = makeRouter([group('primary', [deployment('primary', 'p')], ['backup']), group('backup', [deployment('backup', 'b')])], {
      routing: routing({ retries: 1 }),
    });
    const attempt = scriptedAttempt(unavailable(), unavailable(), 'from backup');
    const result = await router.dispatch('primary', attempt, { signal: signal() });
    expect(attempt.calls).toEqual(['p#1', 'p#2', 'b#3']);
    expect(result).toMatchObject({ value: 'from backup', attempts: 3, fallbackFrom: 'primary' });
    expect(result.deployment.group).toBe('backup');
    expect(observer.calls).toEqual([
      ['retry', 'primary/p', 'status 503'],
      ['fallback', 'primary', 'backup'],
    ]);
  });

  it('gives each fallback group its own retries, follows fallbacks one level deep, and never loops', async () => {
    const { router, observer } = makeRouter(
      [group('a', [deployment('a', 'a1')], ['b', 'c']), group('b', [deployment('b', 'b1')], ['a', 'c']), group('c', [deployment('c', 'c1')], ['d']), group('d', [deployment('d', 'd1')])],
      { routing: routing({ retries: 1, cooldown: { failures: 10, for: 1_000 } }) },
    );
    const attempt = scriptedAttempt(...Array.from({ length: 6 }, unavailable));
    await expect(router.dispatch('a', attempt, { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_UPSTREAM_ERROR' });
    expect(attempt.calls).toEqual(['a1#1', 'a1#2', 'b1#3', 'b1#4', 'c1#5', 'c1#6']);
    expect(observer.calls.filter(([hook]) => hook === 'fallback')).toEqual([
      ['fallback', 'a', 'b'],
      ['fallback', 'a', 'c'],
    ]);
  });

  it('refuses, when built, a fallback to a group that does not exist and a deployment without a positive weight', () => {
    expect(() => makeRouter([group('a', [deployment('a', 'a1')], ['ghost'])])).toThrow(/fallback "ghost"/);
    expect(() => makeRouter([group('a', [deployment('a', 'a1', { weight: 0 })])])).toThrow(/"a1" needs a positive weight/);
  });
});

describe('cooldowns', () => {
  function singleDeployment() {
    const d = deployment('g', 'a');
    const setup = makeRouter([group('g', [d])], { routing: routing({ retries: 0, cooldown: { failures: 2, for: 10_000 } }) });
    return { ...setup, d };
  }

  it('skips a deployment after N consecutive failures and answers 503 with the time until it is back', async () => {
    const { router, clock, observer, d } = singleDeployment();
    await expect(router.dispatch('g', scriptedAttempt(unavailable()), { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_UPSTREAM_ERROR' });
    expect(router.health.isCoolingDown(d, clock.time)).toBe(false);
    await expect(router.dispatch('g', scriptedAttempt(unavailable()), { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_UPSTREAM_ERROR' });
    expect(observer.calls).toEqual([['cooldown', 'g/a', 10_000]]);

    clock.advance(2_500);
    const attempt = scriptedAttempt('ok');
    const error = await router.dispatch('g', attempt, { signal: signal() }).catch((e: unknown) => e);
    expect(attempt.calls).toEqual([]);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ code: 'GH_ERR_UPSTREAM_UNAVAILABLE', status: 503, retryAfterSeconds: 8 });
  });

  it('uses the deployment again once the cooldown is over', async () => {
    const { router, clock } = singleDeployment();
    for (let i = 0; i < 2; i++) await router.dispatch('g', scriptedAttempt(unavailable()), { signal: signal() }).catch(() => undefined);
    clock.advance(10_000);
    const result = await router.dispatch('g', scriptedAttempt('back'), { signal: signal() });
    expect(result.value).toBe('back');
  });

  it('tries the fallbacks before answering that everything is cooling down', async () => {
    const { router, clock } = makeRouter([group('g', [deployment('g', 'a')], ['h']), group('h', [deployment('h', 'b')])], {
      routing: routing({ retries: 0, cooldown: { failures: 1, for: 5_000 } }),
    });
    const first = await router.dispatch('g', scriptedAttempt(unavailable(), 'from h'), { signal: signal() });
    expect(first.fallbackFrom).toBe('g');
    const attempt = scriptedAttempt('h again');
    expect((await router.dispatch('g', attempt, { signal: signal() })).value).toBe('h again');
    expect(attempt.calls).toEqual(['b#1']);

    await router.dispatch('h', scriptedAttempt(unavailable()), { signal: signal() }).catch(() => undefined);
    clock.advance(1_000);
    await expect(router.dispatch('g', scriptedAttempt(), { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_UPSTREAM_UNAVAILABLE', retryAfterSeconds: 4 });
  });

  it('keeps its state when handed to the Router built for a reloaded config', async () => {
    const { router, clock } = singleDeployment();
    for (let i = 0; i < 2; i++) await router.dispatch('g', scriptedAttempt(unavailable()), { signal: signal() }).catch(() => undefined);
    const reloaded = new Router({ groups: groupMap(group('g', [deployment('g', 'a')])), routing: routing(), health: router.health, now: clock.now, sleep: clock.sleep });
    expect(reloaded.health).toBe(router.health);
    await expect(reloaded.dispatch('g', scriptedAttempt(), { signal: signal() })).rejects.toMatchObject({ code: 'GH_ERR_UPSTREAM_UNAVAILABLE' });
  });
});

describe('eligibility', () => {
  const [us, eu] = [deployment('g', 'us', { region: 'us' }), deployment('g', 'eu', { region: 'eu' })];
  const inEu = (d: Deployment) => d.region === 'eu';

  it('only uses deployments the caller accepts', async () => {
    const { router } = makeRouter([group('g', [us, eu])]);
    for (let i = 0; i < 20; i++) {
      const result = await router.dispatch('g', scriptedAttempt('ok'), { signal: signal(), eligible: inEu });
      expect(result.deployment).toBe(eu);
      result.release({ ok: true });
    }
  });

  it('moves to the fallbacks when a group has no eligible deployment', async () => {
    const { router } = makeRouter([group('g', [us], ['h']), group('h', [deployment('h', 'eu2', { region: 'eu' })])]);
    const result = await router.dispatch('g', scriptedAttempt('ok'), { signal: signal(), eligible: inEu });
    expect(result).toMatchObject({ attempts: 1, fallbackFrom: 'g' });
    expect(result.deployment.id).toBe('eu2');
  });

  it('answers "endpoint unsupported" when nothing anywhere is eligible', async () => {
    const { router } = makeRouter([group('g', [us], ['h']), group('h', [deployment('h', 'us2')])]);
    const attempt = scriptedAttempt();
    await expect(router.dispatch('g', attempt, { signal: signal(), eligible: inEu })).rejects.toMatchObject({ code: 'GH_ERR_ENDPOINT_UNSUPPORTED', status: 400 });
    expect(attempt.calls).toEqual([]);
  });
});

describe('strategies through dispatch', () => {
  it('least-busy: a held response keeps its deployment busy until released', async () => {
    const [a, b] = [deployment('g', 'a'), deployment('g', 'b')];
    const { router } = makeRouter([group('g', [a, b])], { routing: routing({ strategy: 'least-busy' }) });
    const first = await router.dispatch('g', scriptedAttempt(1), { signal: signal() });
    const second = await router.dispatch('g', scriptedAttempt(2), { signal: signal() });
    expect(second.deployment).not.toBe(first.deployment);
    first.release({ ok: true });
    expect(router.health.inFlight(first.deployment)).toBe(0);
    const third = await router.dispatch('g', scriptedAttempt(3), { signal: signal() });
    expect(third.deployment).toBe(first.deployment);
  });

  it('lowest-latency: measures every deployment, then prefers the fastest to first response', async () => {
    const [fast, slow] = [deployment('g', 'fast'), deployment('g', 'slow')];
    const { router, clock } = makeRouter([group('g', [slow, fast])], { routing: routing({ strategy: 'lowest-latency' }) });
    const timed = async (d: Deployment) => {
      clock.advance(d === fast ? 40 : 400);
      return d.id;
    };
    const measured = new Set<string>();
    for (let i = 0; i < 2; i++) measured.add((await router.dispatch('g', timed, { signal: signal() })).value);
    expect(measured).toEqual(new Set(['fast', 'slow']));
    expect(router.health.latency(fast)).toBe(40);
    for (let i = 0; i < 5; i++) expect((await router.dispatch('g', timed, { signal: signal() })).value).toBe('fast');
  });
});
