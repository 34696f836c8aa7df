/**
 * The shared (Redis) backend with a policy for when Redis cannot be reached: `open` decides with limits local to
 * this replica, `closed` answers `unavailable` (the pipeline sends 503). Either way a request never waits longer
 * than the Redis command timeout, and the shared backend is used again as soon as its connection is back.
 */
import { OutageLog, type OutageLogger } from '../observability/outage-log.js';
import { MemoryLimitBackend } from './memory-backend.js';
import type { Admission, LimitBackend, LimitBucket, LimitTicket } from './types.js';

export type OnRedisError = 'open' | 'closed';

/** A backend that can tell, without I/O, that a call would fail right now (disconnected). */
export interface SharedLimitBackend extends LimitBackend {
  available(): boolean;
}

/** For metrics: Redis failures, and requests decided without Redis. */
export interface LimitsObserver {
  redisError(error: Error): void;
  degraded(mode: OnRedisError): void;
}

export interface ResilientLimitOptions {
  readonly onRedisError: OnRedisError;
  readonly logger: OutageLogger;
  readonly observer?: LimitsObserver;
  /** The local limits used while Redis is unreachable in `open` mode. */
  readonly fallback?: MemoryLimitBackend;
}

const NOT_CONNECTED = 'redis is not connected';

export class ResilientLimitBackend implements LimitBackend {
  private readonly fallback: MemoryLimitBackend;
  private readonly local = new WeakSet<LimitTicket>();
  private readonly outages: OutageLog;

  constructor(
    private readonly shared: SharedLimitBackend,
    private readonly options: ResilientLimitOptions,
  ) {
    this.fallback = options.fallback ?? new MemoryLimitBackend();
    const consequence = options.onRedisError === 'open' ? 'rate limits are enforced per replica until it is back' : 'requests are refused with 503 until it is back';
    this.outages = new OutageLog(options.logger, { down: `redis unreachable for rate limits; ${consequence}`, up: 'redis reachable again; rate limits are shared across replicas' }, { on_redis_error: options.onRedisError });
  }

  async admit(buckets: readonly LimitBucket[], estimate: { readonly tokens: number }): Promise<Admission> {
    if (this.shared.available()) {
      try {
        const admission = await this.shared.admit(buckets, estimate);
        this.outages.recovered();
        return admission;
      } catch (error) {
        this.failed(error);
      }
    } else {
      this.outages.failed(NOT_CONNECTED);
    }
    return this.degraded(buckets, estimate);
  }

  /** Never throws: a settlement Redis cannot take leaves the estimate counted and the slot held until its lease ends. */
  async settle(ticket: LimitTicket, actual: { readonly tokens: number }): Promise<void> {
    if (this.local.has(ticket)) return this.fallback.settle(ticket, actual);
    try {
      await this.shared.settle(ticket, actual);
    } catch (error) {
      this.failed(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.fallback.close()]);
  }

  private async degraded(buckets: readonly LimitBucket[], estimate: { readonly tokens: number }): Promise<Admission> {
    const mode = this.options.onRedisError;
    this.options.observer?.degraded(mode);
    if (mode === 'closed') return { kind: 'unavailable', reason: 'the shared rate-limit store (Redis) is unreachable' };
    const admission = await this.fallback.admit(buckets, estimate);
    if (admission.kind === 'admitted') this.local.add(admission.ticket);
    return admission;
  }

  private failed(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.options.observer?.redisError(failure);
    this.outages.failed(failure.message);
  }
}
