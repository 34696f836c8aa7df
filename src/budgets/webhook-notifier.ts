/**
 * Posts soft-limit events to a configured URL as JSON. Fire and forget, off the request path: `notify` returns at
 * once and never throws. Each bucket and period is posted at most once per process (the ledger already reports a
 * crossing once per bucket and period across replicas); a failed POST is reported, never retried, so a webhook
 * that is down cannot turn into a storm of retries.
 */
import { request, type Dispatcher } from 'undici';
import type { SoftLimitEvent } from './ledger.js';

export interface WebhookNotifierOptions {
  readonly url: string;
  /** The whole POST, connect to last byte; default 5 s. */
  readonly timeoutMs?: number;
  /** POSTs in flight at most; further events are dropped and reported. Default 8. */
  readonly maxInFlight?: number;
  /** A failed, timed-out or dropped POST; must not throw. */
  readonly onError?: (error: unknown, event: SoftLimitEvent) => void;
  /** Default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
}

/** Bucket+period pairs remembered for de-duplication; the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000;

export class WebhookNotifier {
  private readonly sent = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: WebhookNotifierOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`webhook url must be http(s), got ${options.url}`);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 8;
  }

  /** Queues the POST of `event` unless this bucket and period were already posted. */
  notify(event: SoftLimitEvent): void {
    const id = `${event.periodKey}|${event.bucket}`;
    if (this.sent.has(id)) return;
    this.remember(id);
    if (this.inFlight.size >= this.maxInFlight) {
      this.fail(new Error(`soft-limit webhook skipped: ${this.maxInFlight} POSTs already in flight`), event);
      return;
    }
    const post = this.post(event).finally(() => this.inFlight.delete(post));
    this.inFlight.add(post);
  }

  /** Waits for the POSTs in flight (each ends within the timeout). */
  async close(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async post(event: SoftLimitEvent): Promise<void> {
    try {
      const response = await request(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(event)),
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(this.options.dispatcher && { dispatcher: this.options.dispatcher }),
      });
      await response.body.dump();
      if (response.statusCode >= 300) this.fail(new Error(`soft-limit webhook answered ${response.statusCode}`), event);
    } catch (error) {
      this.fail(error, event);
    }
  }

  private remember(id: string): void {
    if (this.sent.size >= MAX_REMEMBERED) {
      const oldest = this.sent.values().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    this.sent.add(id);
  }

  private fail(error: unknown, event: SoftLimitEvent): void {
    try {
      this.options.onError?.(error, event);
    } catch {
      // ignored by contract
    }
  }
}

/** The JSON posted: snake_case like the rest of the HTTP API. */
export function webhookBody(event: SoftLimitEvent): Record<string, string | number> {
  return {
    type: 'budget.soft_limit',
    bucket: event.bucket,
    period: event.period,
    period_key: event.periodKey,
    spent_usd: event.spentUsd,
    limit_usd: event.limitUsd,
    fraction: event.fraction,
  };
}
