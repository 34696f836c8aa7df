/** The sliding-window arithmetic: retry-after is the shortest wait that admits, over many random states. */
import { describe, expect, it } from 'vitest';
import { admits, estimate, resetMs, retryAfterMs, WINDOW_MS } from '../../src/limits/sliding-window.js';

/** Whether `cost` is admitted `wait` ms later with nothing counted meanwhile. */
function admitsAfter(prev: number, curr: number, elapsed: number, cost: number, limit: number, wait: number): boolean {
  const at = elapsed + wait;
  if (at < WINDOW_MS) return admits(prev, curr, at, cost, limit);
  if (at < 2 * WINDOW_MS) return admits(curr, 0, at - WINDOW_MS, cost, limit);
  return cost <= limit;
}

/** A small deterministic generator, so a failure names a state that can be replayed. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('sliding window', () => {
  it('weighs the previous minute by the part of it still inside the window', () => {
    expect(estimate(30, 0, 0)).toBe(30);
    expect(estimate(30, 5, 30_000)).toBe(20);
    expect(estimate(30, 5, 59_999)).toBeCloseTo(5.0005, 6);
  });

  it('gives the shortest wait after which a retry is admitted', () => {
    const random = sequence(7);
    for (let i = 0; i < 5_000; i += 1) {
      const limit = 1 + Math.floor(random() * 100);
      const prev = Math.floor(random() * (limit + 1));
      const curr = Math.floor(random() * (limit + 1));
      const cost = random() < 0.5 ? 1 : Math.floor(random() * (limit + 1));
      const elapsed = Math.floor(random() * WINDOW_MS);
      const wait = retryAfterMs(prev, curr, elapsed, cost, limit);
      const state = JSON.stringify({ prev, curr, elapsed, cost, limit, wait });
      expect(admitsAfter(prev, curr, elapsed, cost, limit, wait), state).toBe(true);
      if (wait > 0) expect(admitsAfter(prev, curr, elapsed, cost, limit, wait - 1), state).toBe(false);
    }
  });

  it('never admits a cost above the limit', () => {
    expect(retryAfterMs(0, 0, 0, 11, 10)).toBe(Number.POSITIVE_INFINITY);
  });

  it('resets when everything counted has left the window', () => {
    expect(resetMs(0, 0, 10)).toBe(0);
    expect(resetMs(4, 0, 10_000)).toBe(50_000);
    expect(resetMs(4, 1, 10_000)).toBe(110_000);
  });
});
