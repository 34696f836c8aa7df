/**
 * Metrics of rate limits and budgets: refusals by dimension, budget spend and what is left per bucket, and Redis
 * trouble. Bucket names hold user and team names, so the per-bucket gauges are capped: past `maxBudgetSeries`
 * buckets, new ones are not exported (the cap is logged in the help text, and the ledger still enforces them).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LimitKind } from '../limits/types.js';

const MAX_BUDGET_SERIES = 2_000;

export class QuotaMetrics {
  private readonly limitHits: Counter<'dimension' | 'limit'>;
  private readonly budgetRefusals: Counter<'dimension' | 'period'>;
  private readonly budgetSpent: Gauge<'bucket' | 'period'>;
  private readonly budgetRemaining: Gauge<'bucket' | 'period'>;
  private readonly softLimits: Counter<'dimension' | 'period'>;
  private readonly redisErrors: Counter<'component'>;
  private readonly degradedDecisions: Counter<'component' | 'mode'>;
  private readonly budgetSeries = new Set<string>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.limitHits = new Counter({ name: 'gatehouse_rate_limit_hits_total', help: 'Requests refused by a rate limit, by bucket dimension (user, team, key, claim/<path>, model, deployment, global) and limit (requests, tokens, concurrent).', labelNames: ['dimension', 'limit'], registers });
    this.budgetRefusals = new Counter({ name: 'gatehouse_budget_refusals_total', help: 'Requests refused because a budget had no room left, by bucket dimension and period.', labelNames: ['dimension', 'period'], registers });
    this.budgetSpent = new Gauge({ name: 'gatehouse_budget_spent_usd', help: `Settled spend of a budget bucket in its current period, as of this replica's last settlement (at most ${MAX_BUDGET_SERIES} buckets exported).`, labelNames: ['bucket', 'period'], registers });
    this.budgetRemaining = new Gauge({ name: 'gatehouse_budget_remaining_usd', help: `What is left of a budget bucket in its current period, as of this replica's last settlement (at most ${MAX_BUDGET_SERIES} buckets exported).`, labelNames: ['bucket', 'period'], registers });
    this.softLimits = new Counter({ name: 'gatehouse_budget_soft_limit_total', help: 'Budget buckets whose spend crossed budgets.soft_limit, by dimension and period.', labelNames: ['dimension', 'period'], registers });
    this.redisErrors = new Counter({ name: 'gatehouse_redis_errors_total', help: 'Failed or timed-out Redis calls, by component (limits, budgets).', labelNames: ['component'], registers });
    this.degradedDecisions = new Counter({ name: 'gatehouse_limits_degraded_total', help: 'Requests decided without Redis while it was unreachable, by component and limits.on_redis_error mode.', labelNames: ['component', 'mode'], registers });
  }

  limitHit(bucket: string, limit: LimitKind): void {
    this.limitHits.inc({ dimension: dimensionOf(bucket), limit });
  }

  budgetRefused(bucket: string, period: string): void {
    this.budgetRefusals.inc({ dimension: dimensionOf(bucket), period });
  }

  budgetSettled(bucket: string, period: string, spentUsd: number, limitUsd: number): void {
    const series = `${bucket}\u0000${period}`;
    if (!this.budgetSeries.has(series)) {
      if (this.budgetSeries.size >= MAX_BUDGET_SERIES) return;
      this.budgetSeries.add(series);
    }
    this.budgetSpent.set({ bucket, period }, spentUsd);
    this.budgetRemaining.set({ bucket, period }, Math.max(0, limitUsd - spentUsd));
  }

  softLimitCrossed(bucket: string, period: string): void {
    this.softLimits.inc({ dimension: dimensionOf(bucket), period });
  }

  redisError(component: 'limits' | 'budgets'): void {
    this.redisErrors.inc({ component });
  }

  degraded(component: 'limits' | 'budgets', mode: string): void {
    this.degradedDecisions.inc({ component, mode });
  }
}

/** `user:alice` → `user`, `claim/department:legal` → `claim/department`, `global` → `global`. */
export function dimensionOf(bucket: string): string {
  const colon = bucket.indexOf(':');
  return colon === -1 ? bucket : bucket.slice(0, colon);
}
