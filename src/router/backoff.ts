/** How long to wait before a retry, and a wait that the client going away cuts short. */
import type { RoutingConfig } from '../config/schema.js';

export type BackoffConfig = RoutingConfig['backoff'];

/**
 * Delay before retry number `retry` (1 for the first retry): exponential from `initial`, capped at `max`, with
 * "equal jitter" (between half and all of that) so concurrent requests that failed together do not retry together.
 */
export function backoffDelay(retry: number, backoff: BackoffConfig, random: () => number): number {
  const ceiling = Math.min(backoff.max, backoff.initial * 2 ** (retry - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
