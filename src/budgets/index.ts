/** Budgets: calendar periods, a ledger of spend and reservations (memory or Redis), soft-limit notices. */
export { BUDGET_PERIODS, BudgetCalendar, isDayKey, isTimeZone, type BudgetPeriod, type PeriodWindow } from './periods.js';
export {
  fromMicros,
  Reservation,
  toMicros,
  type BudgetBucket,
  type BudgetLedger,
  type LedgerOptions,
  type ReserveAdmitted,
  type ReserveRefused,
  type ReserveResult,
  type RestoredSpend,
  type SettledBucket,
  type SoftLimitEvent,
} from './ledger.js';
export { MemoryBudgetLedger } from './memory-ledger.js';
export { RedisBudgetLedger, type RedisLedgerOptions } from './redis-ledger.js';
export { WebhookNotifier, webhookBody, type WebhookNotifierOptions } from './webhook-notifier.js';
export { rebuildLedger, type RebuildTarget } from './rebuild.js';
export { budgetBuckets } from './obligation-buckets.js';
export { estimateCostUsd, type CostEstimateInput } from './cost-estimate.js';
export { estimateStreamedTokens, StreamedTokenCounter } from './streamed-tokens.js';
