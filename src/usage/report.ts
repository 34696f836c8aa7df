/**
 * The usage report behind the console's overview: requests, errors, cost and latency percentiles per time bucket
 * over a window, totals, and the top users, teams and models, from `usage_records`. Given a subject, every figure
 * counts only that principal's requests (a person's own view); the filter is applied to every query here, so no
 * part of the report can reach another principal's rows.
 *
 * Counted as an error: a request answered with status 400 or more, or a stream that broke after its first byte
 * (status 200 with a `GH_ERR_…` code). A client hanging up is not the gateway's error and is not counted.
 * Gateway overhead is `overhead_ms` (rows from before it was recorded have none and are left out of those
 * percentiles); upstream latency is the time to the provider's response headers.
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/database.js';
import { percentileSql, preparePercentiles } from './percentile-sql.js';
import { usageWindow, type UsageWindowName } from './windows.js';

export const TOP_LIMIT = 10;

export interface UsageLatencies {
  overhead_p50_ms: number | null;
  overhead_p95_ms: number | null;
  upstream_p50_ms: number | null;
  upstream_p95_ms: number | null;
}

export interface UsageBucketJson extends UsageLatencies {
  /** Start of the bucket, ISO 8601. */
  t: string;
  requests: number;
  errors: number;
  cost_usd: number;
}

export interface UsageTotalsJson extends UsageLatencies {
  requests: number;
  errors: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

export interface UsageTopEntryJson {
  value: string;
  requests: number;
  cost_usd: number;
}

export interface UsageReportJson {
  window: UsageWindowName;
  from: string;
  to: string;
  bucket_seconds: number;
  series: UsageBucketJson[];
  totals: UsageTotalsJson;
  top: { users: UsageTopEntryJson[]; teams: UsageTopEntryJson[]; models: UsageTopEntryJson[] };
}

export interface UsageReportQuery {
  window: UsageWindowName;
  /** Only this principal's requests (the `principal` column: a subject, or `key:<id>` for an unowned key). */
  subject?: string;
  now?: Date;
}

type UsageStore = Pick<Store, 'db' | 'dialect' | 'sqlite'>;
type UsageSelect = SelectQueryBuilder<Database, 'usage_records', object>;

export async function usageReport(store: UsageStore, query: UsageReportQuery): Promise<UsageReportJson> {
  preparePercentiles(store.sqlite);
  const window = usageWindow(query.window, query.now ?? new Date());
  const scoped = (): UsageSelect => {
    let select = (store.db as Kysely<Database>).selectFrom('usage_records').where('time', '>=', window.fromMs).where('time', '<', window.toMs);
    if (query.subject !== undefined) select = select.where('principal', '=', query.subject);
    return select;
  };
  const measures = (select: UsageSelect) =>
    select.select((eb) => [
      eb.fn.countAll<number>().as('requests'),
      sql<number>`sum(case when status >= 400 or substr(error_code, 1, 7) = 'GH_ERR_' then 1 else 0 end)`.as('errors'),
      sql<number>`sum(cost_usd)`.as('cost_usd'),
      percentileSql(store.dialect, 'overhead_ms', 0.5).as('overhead_p50_ms'),
      percentileSql(store.dialect, 'overhead_ms', 0.95).as('overhead_p95_ms'),
      percentileSql(store.dialect, 'upstream_latency_ms', 0.5).as('upstream_p50_ms'),
      percentileSql(store.dialect, 'upstream_latency_ms', 0.95).as('upstream_p95_ms'),
    ]);
  // Literals, not parameters: Postgres matches the GROUP BY expression to the selected one by its text.
  const bucket = sql<number>`cast((${sql.ref('time')} - ${sql.lit(window.fromMs)}) / ${sql.lit(window.bucketMs)} as bigint)`;

  const [bucketRows, totalsRow, users, teams, models] = await Promise.all([
    measures(scoped()).select(bucket.as('bucket')).groupBy(bucket).execute(),
    measures(scoped())
      .select([sql<number>`sum(input_tokens)`.as('input_tokens'), sql<number>`sum(output_tokens)`.as('output_tokens')])
      .executeTakeFirst(),
    top(scoped(), 'principal'),
    top(scoped(), 'team'),
    top(scoped(), 'model_group'),
  ]);

  const byBucket = new Map(bucketRows.map((row) => [Number(row.bucket), row]));
  const series: UsageBucketJson[] = [];
  for (let index = 0; index < window.buckets; index++) {
    const row = byBucket.get(index);
    series.push({
      t: new Date(window.fromMs + index * window.bucketMs).toISOString(),
      requests: count(row?.requests),
      errors: count(row?.errors),
      cost_usd: money(row?.cost_usd),
      ...latencies(row),
    });
  }
  return {
    window: window.name,
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    bucket_seconds: window.bucketMs / 1000,
    series,
    totals: {
      requests: count(totalsRow?.requests),
      errors: count(totalsRow?.errors),
      cost_usd: money(totalsRow?.cost_usd),
      input_tokens: count(totalsRow?.input_tokens),
      output_tokens: count(totalsRow?.output_tokens),
      ...latencies(totalsRow),
    },
    top: { users, teams, models },
  };
}

/** The values of `column` with the highest cost (then most requests), at most TOP_LIMIT; rows without one are left out. */
async function top(select: UsageSelect, column: 'principal' | 'team' | 'model_group'): Promise<UsageTopEntryJson[]> {
  const rows = await select
    .where(column, 'is not', null)
    .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll<number>().as('requests'), sql<number>`sum(cost_usd)`.as('cost_usd')])
    .groupBy(column)
    .orderBy('cost_usd', 'desc')
    .orderBy('requests', 'desc')
    .orderBy(column)
    .limit(TOP_LIMIT)
    .execute();
  return rows.map((row) => ({ value: String(row.value), requests: count(row.requests), cost_usd: money(row.cost_usd) }));
}

type LatencyRow = Partial<Record<keyof UsageLatencies, number | string | null>>;

function latencies(row: LatencyRow | undefined): UsageLatencies {
  return {
    overhead_p50_ms: milliseconds(row?.overhead_p50_ms),
    overhead_p95_ms: milliseconds(row?.overhead_p95_ms),
    upstream_p50_ms: milliseconds(row?.upstream_p50_ms),
    upstream_p95_ms: milliseconds(row?.upstream_p95_ms),
  };
}

/** Drivers hand sums back as numbers (or null over no rows); a count is never fractional. */
function count(value: number | string | null | undefined): number {
  return value === null || value === undefined ? 0 : Math.round(Number(value));
}

/** Sums of many small floats: rounded to micro-dollars so the float noise of the addition does not show. */
function money(value: number | string | null | undefined): number {
  return value === null || value === undefined ? 0 : Math.round(Number(value) * 1e6) / 1e6;
}

/** Microsecond precision is more than the measurement has. */
function milliseconds(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value) * 1000) / 1000;
}
