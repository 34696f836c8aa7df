/** Spend: daily aggregates per user, team, key, model and claim, written in batches, and the admin API over them. */
export { SpendAggregator, type SpendAggregatorOptions, type SpendRecord } from './aggregator.js';
export { FIXED_DIMENSIONS, isSpendDimension, type SpendDimension, type SpendPrincipal } from './dimensions.js';
export { costByValue, querySpend, type SpendQuery, type SpendRow } from './query.js';
export { registerSpendRoutes, type SpendRoutesDeps } from './routes.js';
