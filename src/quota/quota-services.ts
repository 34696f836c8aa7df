/**
 * The long-lived parts of limits, budgets and spend: the rate-limit backend, the budget ledger, the spend
 * aggregator and the soft-limit webhook. Memory backends with one replica; with `redis`, both counters live in
 * Redis (one client, failing fast) so every replica shares them. They outlive config reloads: the `limits` and
 * `budgets` settings that shape them change only on restart; which limits and budgets apply follows policy live.
 */
import type { Kysely } from 'kysely';
import { BudgetCalendar, MemoryBudgetLedger, RedisBudgetLedger, rebuildLedger, WebhookNotifier, type BudgetLedger, type SoftLimitEvent } from '../budgets/index.js';
import type { GatehouseConfig } from '../config/schema.js';
import type { Directory } from '../directory/index.js';
import { createLimitsRedis, MemoryLimitBackend, RedisLimitBackend, ResilientLimitBackend, type LimitBackend, type OnRedisError } from '../limits/index.js';
import type { Logger } from '../observability/logger.js';
import { OutageLog } from '../observability/outage-log.js';
import type { QuotaMetrics } from '../observability/quota-metrics.js';
import { SpendAggregator, type SpendRecord } from '../spend/index.js';
import type { Database } from '../store/schema.js';
import { budgetTargets, claimDimensions, directoryBudgetTargets } from './policy-budgets.js';

export interface QuotaContext {
  readonly config: GatehouseConfig;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly metrics: QuotaMetrics;
  /** Teams, people and keys add their own limits and budgets to policy's. */
  readonly directory?: Directory;
  /** The running config (policy changes on reload: which budgets to rebuild, which claims spend records). */
  readonly currentConfig: () => GatehouseConfig;
  /** SQLite writes block the event loop: keep its batches small. */
  readonly maxBatch?: number;
  /** A failed write of spend aggregates (retried), or aggregates lost; default: logged as an error. */
  readonly onSpendWriteError?: (error: unknown, lost: number) => void;
}

export class QuotaServices {
  readonly limits: LimitBackend;
  readonly ledger: BudgetLedger;
  readonly spend: SpendAggregator;
  readonly calendar: BudgetCalendar;
  readonly directory: Directory | undefined;
  readonly metrics: QuotaMetrics;
  readonly defaultMaxTokens: number;
  readonly onRedisError: OnRedisError;
  /** Whether the counters are shared by every replica (Redis), or this replica's own. */
  readonly shared: boolean;
  private readonly logger: Logger;
  private readonly webhook: WebhookNotifier | undefined;
  private readonly currentConfig: () => GatehouseConfig;
  private readonly db: Kysely<Database>;
  private rebuildTimer: NodeJS.Timeout | undefined;
  private readonly budgetOutages: OutageLog;

  constructor(context: QuotaContext) {
    const { config, logger, metrics } = context;
    this.logger = logger;
    this.metrics = metrics;
    this.db = context.db;
    this.directory = context.directory;
    this.currentConfig = context.currentConfig;
    this.defaultMaxTokens = config.limits.default_max_tokens;
    this.onRedisError = config.limits.on_redis_error;
    this.calendar = new BudgetCalendar(config.budgets.timezone);
    const consequence = this.onRedisError === 'open' ? 'requests are served without budget checks until it is back (spend is still recorded)' : 'requests under a budget are refused with 503 until it is back';
    this.budgetOutages = new OutageLog(logger, { down: `redis unreachable for budgets; ${consequence}`, up: 'redis reachable again; budgets are checked again' }, { on_redis_error: this.onRedisError });
    this.webhook = config.budgets.webhook_url === undefined ? undefined : new WebhookNotifier({
      url: config.budgets.webhook_url,
      timeoutMs: config.budgets.webhook_timeout,
      onError: (error, event) => logger.warn({ err: { message: (error as Error).message }, bucket: event.bucket, period: event.period }, 'budget soft-limit webhook failed'),
    });
    const ledgerOptions = {
      calendar: this.calendar,
      reservationTtlMs: config.budgets.reservation_ttl,
      ...(config.budgets.soft_limit !== undefined && { softLimit: config.budgets.soft_limit }),
      onSoftLimit: (event: SoftLimitEvent) => this.softLimitCrossed(event),
    };
    if (config.redis) {
      this.shared = true;
      // One client for both: it fails fast while Redis is down, and the ledger does not close it (the limits do).
      const redis = createLimitsRedis(config.redis.url, {
        commandTimeoutMs: config.limits.redis_timeout,
        // Connection errors repeat while Redis is down; the outage is logged once by the components that use it.
        onError: () => {},
      });
      const sharedLimits = new RedisLimitBackend(redis, { keyPrefix: config.redis.key_prefix, slotLeaseMs: config.limits.slot_lease });
      this.limits = new ResilientLimitBackend(sharedLimits, {
        onRedisError: config.limits.on_redis_error,
        logger,
        observer: { redisError: () => metrics.redisError('limits'), degraded: (mode) => metrics.degraded('limits', mode) },
      });
      this.ledger = new RedisBudgetLedger(redis, { ...ledgerOptions, keyPrefix: config.redis.key_prefix });
    } else {
      this.shared = false;
      this.limits = new MemoryLimitBackend();
      this.ledger = new MemoryBudgetLedger(ledgerOptions);
    }
    this.spend = new SpendAggregator({
      db: context.db,
      calendar: this.calendar,
      flushIntervalMs: config.storage.flush_interval,
      batchSize: Math.min(config.storage.batch_size, context.maxBatch ?? Number.POSITIVE_INFINITY),
      onError: context.onSpendWriteError ?? ((error) => logger.error({ err: { message: (error as Error).message } }, 'writing spend aggregates failed')),
    });
  }

  /**
   * Brings the budget counters up to the store's totals, at start (so a restart resets nothing early) and, with
   * Redis, every `budgets.rebuild_interval` (so Redis losing its data resets nothing for long).
   */
  async start(): Promise<void> {
    await this.rebuild();
    if (this.shared) {
      this.rebuildTimer = setInterval(() => void this.rebuild().catch(() => {}), this.currentConfig().budgets.rebuild_interval);
      this.rebuildTimer.unref();
    }
  }

  /** Records a finished model call's spend (queued; written in batches). */
  recordSpend(record: SpendRecord): void {
    this.spend.add(record, claimDimensions(this.currentConfig()));
  }

  /** A budget call to Redis failed: logged once per outage, counted every time. */
  budgetsUnreachable(error: unknown): void {
    this.metrics.redisError('budgets');
    this.metrics.degraded('budgets', this.onRedisError);
    this.budgetOutages.failed(String((error as Error)?.message ?? error));
  }

  budgetsReachable(): void {
    // Spend settled while Redis was away is in the store: bring the counters back up to it.
    if (this.budgetOutages.recovered()) void this.rebuild().catch(() => {});
  }

  /** A settlement that could not be applied (Redis went away mid-request); the lease or TTL frees what it held. */
  readonly onSettleError = (error: unknown): void => {
    this.logger.debug({ err: { message: (error as Error)?.message } }, 'rate-limit settlement failed');
  };

  /** Flushes queued spend and closes the counters; the store is closed by the caller afterwards. */
  async close(): Promise<void> {
    if (this.rebuildTimer) clearInterval(this.rebuildTimer);
    await Promise.allSettled([this.spend.close(), this.webhook?.close()]);
    await Promise.allSettled([this.ledger.close(), this.limits.close()]);
  }

  private async rebuild(): Promise<void> {
    try {
      const targets = [...budgetTargets(this.currentConfig()), ...(this.directory ? await directoryBudgetTargets(this.db) : [])];
      if (targets.length === 0) return;
      const restored = await rebuildLedger(this.db, this.ledger, targets, new Date());
      this.logger.debug({ buckets: restored }, 'budget counters rebuilt from the store');
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'rebuilding budget counters from the store failed; will retry');
      throw error;
    }
  }

  private softLimitCrossed(event: SoftLimitEvent): void {
    this.metrics.softLimitCrossed(event.bucket, event.period);
    this.logger.warn({ bucket: event.bucket, period: event.period, periodKey: event.periodKey, spentUsd: event.spentUsd, limitUsd: event.limitUsd, fraction: event.fraction }, 'budget soft limit crossed');
    this.webhook?.notify(event);
  }
}

