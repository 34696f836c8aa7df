/** The limits-and-budgets stage of the request pipeline, and the services behind it (counters, ledger, spend). */
export { QuotaServices, type QuotaContext } from './quota-services.js';
export { admitRequest, type ActualUsage, type RequestQuota } from './request-quota.js';
export { budgetTargets, claimDimensions, directoryBudgetTargets } from './policy-budgets.js';
