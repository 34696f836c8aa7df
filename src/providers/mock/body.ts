/** An in-memory `UpstreamBody`, so the mock provider answers exactly like an HTTP upstream would. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { UpstreamBody } from '../types.js';

const encoder = new TextEncoder();

/** A body made of string parts, with an optional delay before each part after the first. */
export function mockBody(parts: readonly string[], delayMs: number, signal: AbortSignal): UpstreamBody {
  let consumed = false;
  async function* iterate(): AsyncGenerator<Uint8Array> {
    consumed = true;
    for (let i = 0; i < parts.length; i++) {
      if (i > 0 && delayMs > 0) await sleep(delayMs, undefined, { signal });
      signal.throwIfAborted();
      yield encoder.encode(parts[i]);
    }
  }
  return {
    [Symbol.asyncIterator]: iterate,
    async text() {
      if (consumed) throw new TypeError('body already consumed');
      consumed = true;
      return parts.join('');
    },
    async dump() {
      consumed = true;
    },
  };
}
