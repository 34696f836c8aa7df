/**
 * Cooldowns shared by every replica through Redis pub/sub: when one replica takes a deployment out of rotation, it
 * publishes the deployment and how long; every other replica applies the same cooldown to its own health table.
 * Without it, each replica would have to fail on a broken deployment `cooldown.failures` times before avoiding it.
 *
 * Pub/sub rather than a key read per routing decision: nothing on the request path waits on Redis. The message
 * carries a duration, not an end time, so replicas whose clocks disagree still cool down for as long. A replica that
 * is disconnected when a cooldown is published misses it and finds the failure on its own, as without Redis.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Deployment } from './types.js';

/** Applies a cooldown received from another replica (to the deployment named, if this replica has it). */
export type ApplyCooldown = (group: string, deploymentId: string, forMs: number) => void;

interface CooldownMessage {
  /** The replica that published it, so it ignores its own. */
  readonly r: string;
  readonly g: string;
  readonly d: string;
  readonly ms: number;
}

export interface SharedCooldownsOptions {
  readonly url: string;
  /** `redis.key_prefix`: gateways sharing one Redis under different prefixes do not share cooldowns. */
  readonly keyPrefix: string;
  readonly apply: ApplyCooldown;
  /** A failed publish or a malformed message; must not throw. */
  readonly onError?: (error: Error) => void;
}

/** The longest cooldown a message may ask for; anything longer is a malformed or hostile message. */
const MAX_COOLDOWN_MS = 24 * 3_600_000;

export class SharedCooldowns {
  private readonly replica = randomBytes(6).toString('base64url');
  private readonly channel: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(private readonly options: SharedCooldownsOptions) {
    this.channel = `${options.keyPrefix}cooldowns`;
    const onError = (error: Error) => options.onError?.(error);
    // Publishing never waits for a dead Redis (no offline queue); the subscriber reconnects and resubscribes by itself.
    this.publisher = new Redis(options.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: (attempt) => Math.min(attempt * 100, 2_000) });
    this.subscriber = new Redis(options.url, { retryStrategy: (attempt) => Math.min(attempt * 100, 2_000) });
    this.publisher.on('error', onError);
    this.subscriber.on('error', onError);
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    void this.subscriber.subscribe(this.channel).catch(onError);
  }

  /** Resolves once this replica is listening (tests; the gateway does not wait for it). */
  async ready(): Promise<void> {
    if (this.subscriber.status !== 'ready') await new Promise((resolve) => this.subscriber.once('ready', resolve));
    await this.subscriber.subscribe(this.channel);
  }

  /** Tells the other replicas; called when this replica puts a deployment in cooldown. */
  publish(deployment: Deployment, forMs: number): void {
    const message: CooldownMessage = { r: this.replica, g: deployment.group, d: deployment.id, ms: Math.round(forMs) };
    this.publisher.publish(this.channel, JSON.stringify(message)).catch((error: unknown) => this.options.onError?.(error as Error));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private receive(text: string): void {
    let message: Partial<CooldownMessage>;
    try {
      message = JSON.parse(text) as Partial<CooldownMessage>;
    } catch {
      this.options.onError?.(new Error('malformed cooldown message'));
      return;
    }
    if (message.r === this.replica) return;
    const { g, d, ms } = message;
    if (typeof g !== 'string' || typeof d !== 'string' || typeof ms !== 'number' || !(ms > 0 && ms <= MAX_COOLDOWN_MS)) {
      this.options.onError?.(new Error('malformed cooldown message'));
      return;
    }
    this.options.apply(g, d, ms);
  }
}
