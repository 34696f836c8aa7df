import { describe, expect, it } from 'vitest';
import { DeploymentHealth } from '../../src/router/health.js';
import { deployment } from './fakes.js';

const policy = { failures: 3, for: 30_000 };

describe('DeploymentHealth', () => {
  it('cools a deployment down after N consecutive failures, for the configured time', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    expect(health.recordFailure(d, 0, policy)).toBe(false);
    expect(health.recordFailure(d, 1, policy)).toBe(false);
    expect(health.isCoolingDown(d, 2)).toBe(false);
    expect(health.recordFailure(d, 2, policy)).toBe(true);
    expect(health.isCoolingDown(d, 3)).toBe(true);
    expect(health.cooldownEnd(d, 3)).toBe(30_002);
    expect(health.isCoolingDown(d, 30_001)).toBe(true);
    expect(health.isCoolingDown(d, 30_002)).toBe(false);
  });

  it('ends the failure streak on a success', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    health.recordFailure(d, 0, policy);
    health.recordFailure(d, 0, policy);
    health.recordSuccess(d, 10);
    expect(health.recordFailure(d, 0, policy)).toBe(false);
    expect(health.recordFailure(d, 0, policy)).toBe(false);
    expect(health.isCoolingDown(d, 0)).toBe(false);
  });

  it('does not restart a running cooldown, but one failure right after it ends starts the next one', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    for (let i = 0; i < 3; i++) health.recordFailure(d, 0, policy);
    expect(health.recordFailure(d, 10_000, policy)).toBe(false);
    expect(health.cooldownEnd(d, 10_000)).toBe(30_000);
    expect(health.recordFailure(d, 30_000, policy)).toBe(true);
    expect(health.cooldownEnd(d, 30_000)).toBe(60_000);
  });

  it('extends a cooldown to an upstream retry-after, never shortens it', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    expect(health.coolUntil(d, 0, 5_000)).toBe(true);
    expect(health.coolUntil(d, 1_000, 3_000)).toBe(false);
    expect(health.cooldownEnd(d, 1_000)).toBe(5_000);
    expect(health.coolUntil(d, 1_000, 8_000)).toBe(false);
    expect(health.cooldownEnd(d, 1_000)).toBe(8_000);
  });

  it('counts requests in flight and never goes below zero', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    health.acquire(d);
    health.acquire(d);
    health.release(d);
    expect(health.inFlight(d)).toBe(1);
    health.release(d);
    health.release(d);
    expect(health.inFlight(d)).toBe(0);
  });

  it('averages latency, starting from the first measurement', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    expect(health.latency(d)).toBeUndefined();
    health.recordSuccess(d, 100);
    expect(health.latency(d)).toBe(100);
    health.recordSuccess(d, 200);
    expect(health.latency(d)).toBeCloseTo(130);
  });

  it('keys state by group and id, so new Deployment objects for the same deployment share it', () => {
    const health = new DeploymentHealth();
    for (let i = 0; i < 3; i++) health.recordFailure(deployment('g', 'a'), 0, policy);
    health.acquire(deployment('g', 'a'));
    expect(health.isCoolingDown(deployment('g', 'a'), 1)).toBe(true);
    expect(health.inFlight(deployment('g', 'a'))).toBe(1);
    expect(health.isCoolingDown(deployment('other', 'a'), 1)).toBe(false);
  });

  it('reports a snapshot per deployment, with outcomes over the last one to two minutes', () => {
    const health = new DeploymentHealth();
    const d = deployment('g', 'a');
    health.recordOutcome(d, true, 0);
    health.recordOutcome(d, true, 10_000);
    health.recordFailure(d, 20_000, policy);
    health.recordOutcome(d, true, 70_000);
    health.acquire(d);
    health.recordSuccess(d, 42);
    expect(health.snapshot(80_000)).toEqual([
      {
        key: 'g/a',
        group: 'g',
        id: 'a',
        consecutiveFailures: 0,
        coolingDown: false,
        cooldownRemainingMs: 0,
        inFlight: 1,
        latencyEwmaMs: 42,
        recentSuccesses: 3,
        recentErrors: 1,
      },
    ]);
    expect(health.snapshot(130_000)[0]).toMatchObject({ recentSuccesses: 1, recentErrors: 0 });
    expect(health.snapshot(300_000)[0]).toMatchObject({ recentSuccesses: 0, recentErrors: 0 });
  });

  it('forgets deployments no longer configured, unless requests are still in flight on them', () => {
    const health = new DeploymentHealth();
    const [kept, idle, busy] = [deployment('g', 'kept'), deployment('g', 'idle'), deployment('g', 'busy')];
    for (const d of [kept, idle, busy]) health.recordSuccess(d, 1);
    health.acquire(busy);
    health.retain(new Set(['g/kept']));
    expect(health.snapshot(0).map((s) => s.key).sort()).toEqual(['g/busy', 'g/kept']);
  });
});
