import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Endpoint } from '../llm/types.js';
import type { Database as SqliteHandle } from 'better-sqlite3';
import { canWriteNow, insertRows } from './sqlite-rows.js';
import type { Database, UsageRecordsTable } from './schema.js';

/** One LLM request as accounted: what was asked, where it went, what it cost, how it ended. */
export interface UsageRecord {
  /** When the request started. */
  time: Date;
  requestId: string;
  endpoint: Endpoint;
  modelGroup: string;
  /** The deployment id; null when no deployment was tried. */
  deployment: string | null;
  provider: string | null;
  upstreamModel: string | null;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Total time in the gateway, ms (stored as whole ms, rounded). */
  latencyMs: number;
  /** Time spent waiting on the provider, ms (rounded like latencyMs); null when no upstream call was made. */
  upstreamLatencyMs: number | null;
  /** The HTTP status returned to the client. */
  status: number;
  errorCode: string | null;
  /** Who made the request: a key id or a subject. */
  principal: string | null;
  /** Time spent in the gateway itself (total minus upstream; to the first byte for streams), ms. */
  overheadMs: number | null;
  /** The caller's team, if any. */
  team: string | null;
}

export interface StoredUsageRecord extends UsageRecord {
  id: number;
}

export interface ListUsageRecordsOptions {
  /** Only records whose `time` is at or after this instant. */
  since?: Date;
  /** At most this many (default 100). */
  limit?: number;
}

const DEFAULT_LIST_LIMIT = 100;

/**
 * Bind parameters per statement: SQLite's compiled-in limit (32766), which is below Postgres's 65535, so one
 * chunk size is safe on both backends.
 */
const MAX_PARAMETERS = 32_766;

/**
 * Writes records with one multi-row insert per chunk. A batch of several chunks is one transaction, so a failed
 * batch leaves nothing behind and can be retried whole without duplicating rows.
 */
export async function insertUsageRecords(db: Kysely<Database>, records: readonly UsageRecord[], sqlite?: SqliteHandle): Promise<void> {
  const rows = records.map(toRow);
  if (rows[0] === undefined) return;
  if (canWriteNow(sqlite)) return insertRows(sqlite, 'usage_records', rows);
  // Every row binds one parameter per column it writes.
  const rowsPerStatement = Math.floor(MAX_PARAMETERS / Object.keys(rows[0]).length);
  if (rows.length <= rowsPerStatement) {
    await db.insertInto('usage_records').values(rows).execute();
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += rowsPerStatement) {
      await trx.insertInto('usage_records').values(rows.slice(start, start + rowsPerStatement)).execute();
    }
  });
}

/** Records newest first (ties broken by insertion order, newest first). */
export async function listUsageRecords(
  db: Kysely<Database>,
  options: ListUsageRecordsOptions = {},
): Promise<StoredUsageRecord[]> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let query = db.selectFrom('usage_records').selectAll().orderBy('time', 'desc').orderBy('id', 'desc').limit(limit);
  if (options.since) query = query.where('time', '>=', options.since.getTime());
  const rows = await query.execute();
  return rows.map(fromRow);
}

function toRow(record: UsageRecord): Insertable<UsageRecordsTable> {
  return {
    time: record.time.getTime(),
    request_id: record.requestId,
    endpoint: record.endpoint,
    model_group: record.modelGroup,
    deployment: record.deployment,
    provider: record.provider,
    upstream_model: record.upstreamModel,
    stream: record.stream ? 1 : 0,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cost_usd: record.costUsd,
    // Latencies come from performance.now() and carry fractions, which a Postgres integer column rejects.
    latency_ms: Math.round(record.latencyMs),
    upstream_latency_ms: record.upstreamLatencyMs === null ? null : Math.round(record.upstreamLatencyMs),
    status: record.status,
    error_code: record.errorCode,
    principal: record.principal,
    overhead_ms: record.overheadMs,
    team: record.team,
  };
}

function fromRow(row: Selectable<UsageRecordsTable>): StoredUsageRecord {
  return {
    id: row.id,
    time: new Date(row.time),
    requestId: row.request_id,
    endpoint: row.endpoint,
    modelGroup: row.model_group,
    deployment: row.deployment,
    provider: row.provider,
    upstreamModel: row.upstream_model,
    stream: row.stream === 1,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    upstreamLatencyMs: row.upstream_latency_ms,
    status: row.status,
    errorCode: row.error_code,
    principal: row.principal,
    overheadMs: row.overhead_ms,
    team: row.team,
  };
}
