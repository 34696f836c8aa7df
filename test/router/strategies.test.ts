import { describe, expect, it } from 'vitest';
import { DeploymentHealth } from '../../src/router/health.js';
import { leastBusy, lowestLatency, simpleShuffle, type CandidateFilter, type GroupDeployments, type Strategy } from '../../src/router/strategies.js';
import type { Deployment } from '../../src/router/types.js';
import { deployment, seededRandom } from './fakes.js';

const acceptAll: CandidateFilter = { accepts: () => true };
const acceptOnly = (...ids: string[]): CandidateFilter => ({ accepts: (d) => ids.includes(d.id) });

function groupOf(deployments: Deployment[]): GroupDeployments {
  return { deployments, totalWeight: deployments.reduce((sum, d) => sum + d.weight, 0) };
}

function shares(strategy: Strategy, group: GroupDeployments, filter: CandidateFilter, health: DeploymentHealth, draws: number, seed = 42): Record<string, number> {
  const random = seededRandom(seed);
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const picked = strategy(group, filter, health, random);
    const id = picked?.id ?? 'none';
    counts[id] = (counts[id] ?? 0) + 1 / draws;
  }
  return counts;
}

describe('simple-shuffle', () => {
  const weighted = groupOf([deployment('g', 'a', { weight: 1 }), deployment('g', 'b', { weight: 2 }), deployment('g', 'c', { weight: 7 })]);

  it('picks deployments in proportion to their weight', () => {
    const result = shares(simpleShuffle, weighted, acceptAll, new DeploymentHealth(), 50_000);
    expect(Math.abs((result.a ?? 0) - 0.1)).toBeLessThan(0.01);
    expect(Math.abs((result.b ?? 0) - 0.2)).toBeLessThan(0.01);
    expect(Math.abs((result.c ?? 0) - 0.7)).toBeLessThan(0.01);
  });

  it('keeps the weights among the deployments the filter accepts', () => {
    const result = shares(simpleShuffle, weighted, acceptOnly('a', 'b'), new DeploymentHealth(), 30_000);
    expect(result.c).toBeUndefined();
    expect(Math.abs((result.a ?? 0) - 1 / 3)).toBeLessThan(0.01);
    expect(Math.abs((result.b ?? 0) - 2 / 3)).toBeLessThan(0.01);
  });

  it('returns undefined when the filter accepts nothing', () => {
    expect(simpleShuffle(weighted, acceptOnly(), new DeploymentHealth(), Math.random)).toBeUndefined();
  });
});

describe('least-busy', () => {
  const [a, b, c] = [deployment('g', 'a'), deployment('g', 'b'), deployment('g', 'c')];
  const group = groupOf([a, b, c]);

  it('picks the deployment with the fewest requests in flight', () => {
    const health = new DeploymentHealth();
    health.acquire(a);
    health.acquire(a);
    health.acquire(b);
    health.acquire(c);
    health.acquire(c);
    expect(leastBusy(group, acceptAll, health, Math.random)).toBe(b);
    expect(leastBusy(group, acceptOnly('a', 'c'), health, seededRandom(1))?.id).toMatch(/^[ac]$/);
  });

  it('breaks ties at random, evenly', () => {
    const health = new DeploymentHealth();
    health.acquire(a);
    const result = shares(leastBusy, group, acceptAll, health, 30_000);
    expect(result.a).toBeUndefined();
    expect(Math.abs((result.b ?? 0) - 0.5)).toBeLessThan(0.015);
    expect(Math.abs((result.c ?? 0) - 0.5)).toBeLessThan(0.015);
  });
});

describe('lowest-latency', () => {
  const [a, b, c] = [deployment('g', 'a'), deployment('g', 'b'), deployment('g', 'c')];
  const group = groupOf([a, b, c]);

  it('tries deployments without a measurement first, at random among them', () => {
    const health = new DeploymentHealth();
    health.recordSuccess(a, 5);
    const result = shares(lowestLatency, group, acceptAll, health, 30_000);
    expect(result.a).toBeUndefined();
    expect(Math.abs((result.b ?? 0) - 0.5)).toBeLessThan(0.015);
  });

  it('then picks the lowest moving-average latency', () => {
    const health = new DeploymentHealth();
    health.recordSuccess(a, 300);
    health.recordSuccess(b, 80);
    health.recordSuccess(c, 120);
    expect(lowestLatency(group, acceptAll, health, Math.random)).toBe(b);
    expect(lowestLatency(group, acceptOnly('a', 'c'), health, Math.random)).toBe(c);
  });

  it('breaks exact ties at random', () => {
    const health = new DeploymentHealth();
    for (const d of [a, b, c]) health.recordSuccess(d, 100);
    const result = shares(lowestLatency, group, acceptAll, health, 30_000);
    for (const id of ['a', 'b', 'c']) expect(Math.abs((result[id] ?? 0) - 1 / 3)).toBeLessThan(0.015);
  });
});
