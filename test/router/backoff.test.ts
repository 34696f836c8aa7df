import { describe, expect, it } from 'vitest';
import { abortableSleep, backoffDelay } from '../../src/router/backoff.js';

describe('backoffDelay', () => {
  const backoff = { initial: 100, max: 1_000 };

  it('doubles from the initial delay and stops at the cap', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, backoff, top))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('jitters between half and all of the exponential delay', () => {
    expect(backoffDelay(3, backoff, () => 0)).toBe(200);
    expect(backoffDelay(3, backoff, () => 0.5)).toBe(300);
    expect(backoffDelay(9, backoff, () => 0)).toBe(500);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay', async () => {
    const started = Date.now();
    await abortableSleep(30, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with the abort reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    const started = Date.now();
    const sleeping = abortableSleep(60_000, controller.signal);
    setTimeout(() => controller.abort(reason), 10);
    await expect(sleeping).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const reason = new Error('gone');
    await expect(abortableSleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
