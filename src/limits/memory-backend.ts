/**
 * Rate limits held in this process: exact for one replica, no I/O. Each bucket is one small mutable record; an
 * admission allocates only its ticket and the status it reports. Records of idle buckets are dropped once a
 * minute so the map does not grow with every user ever seen.
 */
import { allAdmit, bucketStatus, refusal } from './bucket-report.js';
import { windowOf } from './sliding-window.js';
import type { Admission, BucketCounts, LimitBackend, LimitBucket, LimitTicket } from './types.js';

interface BucketState extends BucketCounts {
  /** The fixed minute `reqCurr` and `tokCurr` count in. */
  window: number;
}

class MemoryTicket implements LimitTicket {
  settled = false;
  constructor(
    readonly buckets: readonly LimitBucket[],
    readonly estimatedTokens: number,
    readonly states: readonly BucketState[],
    readonly window: number,
  ) {}
}

export interface MemoryLimitOptions {
  /** Epoch milliseconds; injected by tests. */
  readonly clock?: () => number;
}

export class MemoryLimitBackend implements LimitBackend {
  private readonly states = new Map<string, BucketState>();
  private readonly clock: () => number;
  private sweptWindow = 0;

  constructor(options: MemoryLimitOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  async admit(buckets: readonly LimitBucket[], estimate: { readonly tokens: number }): Promise<Admission> {
    return this.admitNow(buckets, estimate.tokens);
  }

  /** `admit` without the promise, for callers (and benchmarks) that stay synchronous. */
  admitNow(buckets: readonly LimitBucket[], tokens: number): Admission {
    const { index, elapsed } = windowOf(this.clock());
    if (index !== this.sweptWindow) this.sweep(index);
    const states = buckets.map((bucket) => this.stateOf(bucket.key, index));
    if (!allAdmit(buckets, states, elapsed, tokens)) return refusal(buckets, states, elapsed, tokens);
    for (let i = 0; i < buckets.length; i += 1) take(buckets[i]!, states[i]!, tokens);
    return {
      kind: 'admitted',
      ticket: new MemoryTicket(buckets, tokens, states, index),
      status: buckets.map((bucket, i) => bucketStatus(bucket, states[i]!, elapsed)),
    };
  }

  async settle(ticket: LimitTicket, actual: { readonly tokens: number }): Promise<void> {
    this.settleNow(ticket, actual.tokens);
  }

  settleNow(ticket: LimitTicket, tokens: number): void {
    if (!(ticket instanceof MemoryTicket)) throw new TypeError('a ticket from another limit backend');
    if (ticket.settled) return;
    ticket.settled = true;
    const { index } = windowOf(this.clock());
    const delta = tokens - ticket.estimatedTokens;
    for (let i = 0; i < ticket.buckets.length; i += 1) {
      const bucket = ticket.buckets[i]!;
      // The record may have been swept and replaced while the request ran; settle the live one.
      const state = this.stateOf(bucket.key, index);
      if (bucket.tpm !== undefined && delta !== 0) chargeTokens(state, ticket.window, delta);
      if (bucket.concurrent !== undefined && state.inFlight > 0) state.inFlight -= 1;
    }
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  /** Buckets currently held, for tests of the sweep. */
  get size(): number {
    return this.states.size;
  }

  private stateOf(key: string, window: number): BucketState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { window, reqPrev: 0, reqCurr: 0, tokPrev: 0, tokCurr: 0, inFlight: 0 };
      this.states.set(key, state);
    } else {
      roll(state, window);
    }
    return state;
  }

  private sweep(window: number): void {
    this.sweptWindow = window;
    for (const [key, state] of this.states) {
      if (state.window < window - 1 && state.inFlight === 0) this.states.delete(key);
    }
  }
}

/** Moves the record to `window`: the current minute becomes the previous one, or both are forgotten. */
function roll(state: BucketState, window: number): void {
  if (state.window === window) return;
  if (state.window === window - 1) {
    state.reqPrev = state.reqCurr;
    state.tokPrev = state.tokCurr;
  } else {
    state.reqPrev = 0;
    state.tokPrev = 0;
  }
  state.reqCurr = 0;
  state.tokCurr = 0;
  state.window = window;
}

function take(bucket: LimitBucket, state: BucketState, tokens: number): void {
  if (bucket.rpm !== undefined) state.reqCurr += 1;
  if (bucket.tpm !== undefined) state.tokCurr += tokens;
  if (bucket.concurrent !== undefined) state.inFlight += 1;
}

/**
 * Applies the difference between real and estimated tokens to the minute the request was admitted in, while the
 * sliding window still sees it; a refund older than that has nothing left to refund, an extra charge goes to now.
 * Never below zero: an estimate counted in a minute since forgotten cannot be refunded from a newer one.
 */
function chargeTokens(state: BucketCounts & { window: number }, admittedIn: number, delta: number): void {
  if (admittedIn === state.window) state.tokCurr = Math.max(0, state.tokCurr + delta);
  else if (admittedIn === state.window - 1) state.tokPrev = Math.max(0, state.tokPrev + delta);
  else if (delta > 0) state.tokCurr += delta;
}
