/**
 * The sliding-window counter both backends use: each bucket keeps a count for the current fixed minute and for
 * the previous one, and the count "in the last 60 seconds" is estimated as the previous minute's count weighted
 * by how much of it still lies inside the sliding window, plus the current minute's count. The Lua script in
 * redis-script.ts computes exactly the same expression in the same order, so both backends decide alike.
 */

export const WINDOW_MS = 60_000;

/** Which fixed minute `now` (epoch milliseconds) falls in, and how far into it. */
export function windowOf(now: number): { index: number; elapsed: number } {
  const index = Math.floor(now / WINDOW_MS);
  return { index, elapsed: now - index * WINDOW_MS };
}

/** Units counted in the sliding minute ending `elapsed` ms into the current fixed minute. */
export function estimate(prev: number, curr: number, elapsed: number): number {
  return (prev * (WINDOW_MS - elapsed)) / WINDOW_MS + curr;
}

export function admits(prev: number, curr: number, elapsed: number, cost: number, limit: number): boolean {
  return estimate(prev, curr, elapsed) + cost <= limit;
}

export function remaining(prev: number, curr: number, elapsed: number, limit: number): number {
  return Math.max(0, Math.floor(limit - estimate(prev, curr, elapsed)));
}

/** Milliseconds until the bucket has forgotten everything counted so far. */
export function resetMs(prev: number, curr: number, elapsed: number): number {
  if (curr > 0) return 2 * WINDOW_MS - elapsed;
  return prev > 0 ? WINDOW_MS - elapsed : 0;
}

/**
 * The shortest wait after which `cost` more units would be admitted if nothing else were counted meanwhile:
 * first while the previous minute's weight decays, then, in the next minute, while the current one's does.
 * Infinity when `cost` alone exceeds the limit.
 */
export function retryAfterMs(prev: number, curr: number, elapsed: number, cost: number, limit: number): number {
  if (cost > limit) return Number.POSITIVE_INFINITY;
  if (admits(prev, curr, elapsed, cost, limit)) return 0;
  if (prev > 0 && curr + cost <= limit) {
    const at = firstAdmittedAt(prev, curr, cost, limit, Math.max(elapsed, WINDOW_MS - ((limit - curr - cost) * WINDOW_MS) / prev));
    if (at < WINDOW_MS) return at - elapsed;
  }
  const rest = WINDOW_MS - elapsed;
  if (curr === 0) return rest;
  return rest + firstAdmittedAt(curr, 0, cost, limit, WINDOW_MS - ((limit - cost) * WINDOW_MS) / curr);
}

/** The first whole millisecond from `guess` on at which the check passes; the loop only absorbs float rounding. */
function firstAdmittedAt(prev: number, curr: number, cost: number, limit: number, guess: number): number {
  let at = Math.max(0, Math.ceil(guess));
  while (at < WINDOW_MS && !admits(prev, curr, at, cost, limit)) at += 1;
  return at;
}
