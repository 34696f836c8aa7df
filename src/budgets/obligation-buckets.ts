/**
 * The ledger buckets of a request: each `budgets` obligation policy bound to it, counted in the bucket of its
 * dimension (`user:alice`, `claim/department:legal`). A principal with no value for the dimension (no team, no
 * such claim) is not subject to that budget: there is no bucket it could be counted in.
 */
import type { Principal } from '../identity/principal.js';
import { bucketOf, type BoundBudget } from '../policy/obligations.js';
import type { BudgetBucket } from './ledger.js';

export function budgetBuckets(budgets: readonly BoundBudget[], principal: Principal, model: string | undefined): BudgetBucket[] {
  const buckets: BudgetBucket[] = [];
  for (const budget of budgets) {
    const key = bucketOf(budget.per, principal, model);
    if (key !== undefined) buckets.push({ key, period: budget.period, limitUsd: budget.usd });
  }
  return buckets;
}
