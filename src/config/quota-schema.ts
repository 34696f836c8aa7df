/**
 * The `limits` and `budgets` sections of the configuration contract: how rate limits and budgets are counted, not
 * which apply (that is policy's `limits` and `budgets` obligations, and the teams, users and keys of the admin API).
 */
import { z } from 'zod';
import { isTimeZone } from '../policy/zoned-clock.js';
import { duration } from './schema-units.js';

const CLAIM_DIMENSION = /^claim\/[A-Za-z0-9_:/@.-]+$/;

export const limitsSchema = z.strictObject({
  /** With `redis`: `open` serves on per-replica limits while Redis is unreachable, `closed` answers 503. */
  on_redis_error: z.enum(['open', 'closed']).default('open'),
  /**
   * A Redis command slower than this counts as Redis being unreachable, so a stalled Redis cannot stall requests.
   * Not much lower: the timer also fires when this process's own event loop stalls that long (a cold start under a
   * burst), and in `open` mode each false timeout is a request decided on local limits.
   */
  redis_timeout: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('1s'),
  /** How long a concurrent-request slot is held at most on Redis (a replica that dies mid-request frees it then). */
  slot_lease: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('15m'),
  /** Output tokens assumed for a request that sets no `max_tokens`, in its token-limit and budget estimates. */
  default_max_tokens: z.number().int().nonnegative().default(4096),
});

export const budgetsSchema = z.strictObject({
  /** IANA time zone of the calendar periods (day, week, month) and of the daily spend aggregates. */
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin').default('UTC'),
  /** Fraction of a budget whose crossing is logged, counted and posted to `webhook_url`, once per bucket and period. */
  soft_limit: z.number().gt(0).max(1).optional(),
  webhook_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  webhook_timeout: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('5s'),
  /** An unsettled reservation (a replica died mid-request) is released after this; longer than the longest request. */
  reservation_ttl: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('15m'),
  /** How often the budget counters are raised to the store's totals (with Redis: after Redis lost its data). */
  rebuild_interval: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('5m'),
  /** Claim dimensions spend is aggregated by, besides those policy budgets use: `claim/department`. */
  claim_dimensions: z.array(z.string().regex(CLAIM_DIMENSION, 'expected claim/<path>, such as claim/department')).default([]),
});

export type LimitsConfig = z.output<typeof limitsSchema>;
export type BudgetsConfig = z.output<typeof budgetsSchema>;
