/**
 * Each deployment's median upstream latency over the last hour, from `usage_records`: the time to the
 * provider's response headers of the requests it answered (status below 400). The router's own moving average
 * reacts faster but is not a percentile; this is what the console shows as p50.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { percentileSql, preparePercentiles } from './percentile-sql.js';

export const DEPLOYMENT_LATENCY_WINDOW_MS = 3_600_000;

/** `${group}/${deployment id}` → p50 ms, for deployments with at least one answered request in the window. */
export async function deploymentLatencyP50(store: Pick<Store, 'db' | 'dialect' | 'sqlite'>, now: Date = new Date()): Promise<Map<string, number>> {
  preparePercentiles(store.sqlite);
  const rows = await (store.db as Kysely<Database>)
    .selectFrom('usage_records')
    .where('time', '>=', now.getTime() - DEPLOYMENT_LATENCY_WINDOW_MS)
    .where('status', '<', 400)
    .where('deployment', 'is not', null)
    .where('upstream_latency_ms', 'is not', null)
    .select(['model_group', 'deployment', percentileSql(store.dialect, 'upstream_latency_ms', 0.5).as('p50')])
    .groupBy(['model_group', 'deployment'])
    .execute();
  const latencies = new Map<string, number>();
  for (const row of rows) if (row.p50 !== null) latencies.set(`${row.model_group}/${row.deployment}`, Math.round(Number(row.p50) * 1000) / 1000);
  return latencies;
}
