/**
 * What each team or person has spent in the current budget periods: one spend query per distinct period (from
 * its first day, in UTC, to today), keyed by period and then by team id or subject.
 */
import * as api from '../api/endpoints.js';
import type { BudgetPeriod, BudgetSpec } from '../api/types.js';
import { dayKey, periodStart } from './periods.js';

export type SpendByPeriod = ReadonlyMap<BudgetPeriod, ReadonlyMap<string, number>>;

export async function budgetSpend(dimension: 'team' | 'user', budgets: readonly BudgetSpec[], now = new Date()): Promise<SpendByPeriod> {
  const periods = [...new Set(budgets.map((budget) => budget.period))];
  const today = dayKey(now);
  const reports = await Promise.all(periods.map((period) => api.spend(dimension, periodStart(period, now), today, 10_000)));
  return new Map(periods.map((period, index) => [period, new Map(reports[index]!.data.map((row) => [row.value, row.cost_usd]))]));
}
