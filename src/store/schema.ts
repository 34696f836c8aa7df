/**
 * The database as Kysely sees it: one interface per table, keyed by table name.
 *
 * Conventions that hold on both backends (SQLite and Postgres), so a query means the same thing on either:
 * - timestamps are integer epoch milliseconds (`bigint`): they compare and sort as numbers, carry no time zone,
 *   and round-trip exactly through both drivers (Postgres `int8` is parsed to a JS number by the store);
 * - booleans are integers 0/1: SQLite has no boolean type, and a raw `where stream = 1` then works everywhere;
 * - money is `double precision`: costs are estimates in fractions of a cent, not ledger amounts.
 * Repositories convert to and from the camelCase domain types (`Date`, `boolean`).
 */
import type { Generated } from 'kysely';
import type { Endpoint } from '../llm/types.js';

export interface UsageRecordsTable {
  id: Generated<number>;
  /** When the request started, epoch ms. */
  time: number;
  request_id: string;
  /** The column is text; the repository only ever writes an `Endpoint`. */
  endpoint: Endpoint;
  model_group: string;
  /** Null when no deployment was tried (e.g. the request was refused before routing). */
  deployment: string | null;
  provider: string | null;
  upstream_model: string | null;
  /** 0 or 1. */
  stream: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  /** Null when no upstream call was made. */
  upstream_latency_ms: number | null;
  /** The HTTP status sent to the client. */
  status: number;
  error_code: string | null;
  principal: string | null;
}

export interface Database {
  usage_records: UsageRecordsTable;
}
