/** Test doubles for the router: deployments whose provider is never called, a seeded random and a manual clock. */
import type { RoutingConfig } from '../../src/config/schema.js';
import type { Provider } from '../../src/providers/types.js';
import type { Deployment, ModelGroup, RouterObserver } from '../../src/router/types.js';

const provider: Provider = {
  name: 'fake',
  type: 'mock',
  dialect: 'openai',
  config: { type: 'mock', headers: {}, pass_identity: false, latency: 0, chunk_delay: 0, max_connections: 1 },
  audience: 'fake',
  supports: () => true,
  send: () => Promise.reject(new Error('the router never calls providers itself')),
  close: () => Promise.resolve(),
};

export function deployment(group: string, id: string, extra: Partial<Deployment> = {}): Deployment {
  return {
    id,
    group,
    provider,
    model: id,
    region: undefined,
    weight: 1,
    rpm: undefined,
    tpm: undefined,
    inputCostPerMtok: undefined,
    outputCostPerMtok: undefined,
    timeoutMs: undefined,
    ...extra,
  };
}

export function group(name: string, deployments: Deployment[], fallbacks: string[] = []): ModelGroup {
  return { name, description: undefined, tags: [], deployments, fallbacks };
}

export function groupMap(...groups: ModelGroup[]): Map<string, ModelGroup> {
  return new Map(groups.map((g) => [g.name, g]));
}

export function routing(overrides: Partial<RoutingConfig> = {}): RoutingConfig {
  return {
    strategy: 'simple-shuffle',
    retries: 2,
    timeout: 600_000,
    connect_timeout: 10_000,
    first_byte_timeout: 120_000,
    backoff: { initial: 100, max: 1_000 },
    cooldown: { failures: 3, for: 30_000 },
    ...overrides,
  };
}

/** mulberry32: a small seeded generator, so statistical tests give the same numbers every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock that only moves when told to, and a sleep that records its delays and moves the clock instead of waiting. */
export class FakeClock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  readonly now = (): number => this.time;
  readonly sleep = (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  };
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Records observer calls as `[hook, first, second]`, with deployments as `group/id`. */
export function recordingObserver(): RouterObserver & { calls: Array<[string, string, string | number]> } {
  const calls: Array<[string, string, string | number]> = [];
  return {
    calls,
    retry: (d, reason) => calls.push(['retry', `${d.group}/${d.id}`, reason]),
    fallback: (from, to) => calls.push(['fallback', from, to]),
    cooldown: (d, forMs) => calls.push(['cooldown', `${d.group}/${d.id}`, forMs]),
  };
}

/** An attempt function that plays back outcomes in order (an Error is thrown, anything else returned) and logs calls. */
export function scriptedAttempt(...outcomes: unknown[]): ((d: Deployment, attemptNumber: number) => Promise<unknown>) & { calls: string[] } {
  const calls: string[] = [];
  const attempt = async (d: Deployment, attemptNumber: number): Promise<unknown> => {
    calls.push(`${d.id}#${attemptNumber}`);
    if (outcomes.length === 0) throw new Error(`unexpected attempt ${attemptNumber} on ${d.id}`);
    const outcome = outcomes.shift();
    if (outcome instanceof Error) throw outcome;
    return outcome;
  };
  return Object.assign(attempt, { calls });
}
