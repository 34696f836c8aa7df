/**
 * Daily spend aggregates, fed by completed requests. `add` only queues (synchronous, no I/O); a BatchWriter
 * writes in batches, where each batch is first summed per (dimension, day, value) and then upserted with
 * increments, so a thousand requests of one user cost one row write. Replicas increment the same rows safely:
 * both databases apply `on conflict … do update` atomically per row, and rows are written in key order so two
 * replicas' transactions cannot deadlock on each other.
 */
import { sql, type Kysely } from 'kysely';
import type { BudgetCalendar } from '../budgets/periods.js';
import { toMicros } from '../budgets/ledger.js';
import type { Usage } from '../llm/types.js';
import { BatchWriter } from '../store/batch-writer.js';
import type { Database } from '../store/schema.js';
import { dimensionValues, type SpendDimension, type SpendPrincipal } from './dimensions.js';

/** A completed request, as spend needs it. */
export interface SpendRecord {
  /** When the request started: its day is the day it is counted on, as its budget reservation was. */
  readonly time: Date;
  readonly principal: SpendPrincipal;
  /** The model group the client asked for (the `model` budget dimension). */
  readonly model: string;
  readonly usage: Usage;
  readonly costUsd: number;
}

export interface SpendAggregatorOptions {
  readonly db: Kysely<Database>;
  /** The budget calendar: days are counted in its time zone, so day, week and month budgets sum whole days. */
  readonly calendar: BudgetCalendar;
  readonly flushIntervalMs?: number;
  readonly batchSize?: number;
  readonly maxQueue?: number;
  /** As BatchWriter's: a failed write (retried) or dropped requests (lost). */
  readonly onError?: (error: unknown, lost: number) => void;
}

interface QueuedSpend {
  readonly day: string;
  readonly dimensions: ReadonlyArray<readonly [SpendDimension, string]>;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicros: number;
}

interface SpendRow {
  dimension: string;
  day: string;
  value: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  costMicros: number;
}

/** Rows per statement: 7 parameters each stays well below SQLite's 32766. */
const ROWS_PER_STATEMENT = 1_000;

export class SpendAggregator {
  private readonly writer: BatchWriter<QueuedSpend>;
  private readonly calendar: BudgetCalendar;

  constructor(options: SpendAggregatorOptions) {
    this.calendar = options.calendar;
    const { db, onError } = options;
    this.writer = new BatchWriter<QueuedSpend>({
      write: (batch) => upsertSpend(db, sumRows(batch)),
      flushIntervalMs: options.flushIntervalMs ?? 1_000,
      batchSize: options.batchSize ?? 500,
      ...(options.maxQueue !== undefined && { maxQueue: options.maxQueue }),
      ...(onError && { onError: (error: unknown, batch: QueuedSpend[]) => onError(error, batch.length) }),
    });
  }

  /** Queues a completed request under each of its dimensions (`claimDimensions`: `claim/<path>` entries). */
  add(record: SpendRecord, claimDimensions: readonly string[]): void {
    this.writer.enqueue({
      day: this.calendar.dayKey(record.time),
      dimensions: dimensionValues(record.principal, record.model, claimDimensions),
      inputTokens: record.usage.inputTokens,
      outputTokens: record.usage.outputTokens,
      // Rounded per request exactly as the budget ledger charges, so the store's sums rebuild the ledger exactly.
      costMicros: toMicros(record.costUsd),
    });
  }

  /** Requests queued and not yet written. */
  get pending(): number {
    return this.writer.pending;
  }

  /** Resolves once everything added before the call is written. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

function sumRows(batch: readonly QueuedSpend[]): SpendRow[] {
  const rows = new Map<string, SpendRow>();
  for (const item of batch) {
    for (const [dimension, value] of item.dimensions) {
      const key = `${dimension}\u0000${item.day}\u0000${value}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = { dimension, day: item.day, value, requests: 0, input_tokens: 0, output_tokens: 0, costMicros: 0 };
        rows.set(key, row);
      }
      row.requests += 1;
      row.input_tokens += item.inputTokens;
      row.output_tokens += item.outputTokens;
      row.costMicros += item.costMicros;
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** One transaction: a failed batch leaves nothing behind, so BatchWriter's retry cannot count a request twice. */
async function upsertSpend(db: Kysely<Database>, rows: readonly SpendRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const values = rows.slice(start, start + ROWS_PER_STATEMENT).map(({ costMicros, ...row }) => ({ ...row, cost_usd: costMicros / 1_000_000 }));
      await trx
        .insertInto('spend_daily')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['dimension', 'day', 'value']).doUpdateSet({
            requests: sql`spend_daily.requests + excluded.requests`,
            input_tokens: sql`spend_daily.input_tokens + excluded.input_tokens`,
            output_tokens: sql`spend_daily.output_tokens + excluded.output_tokens`,
            cost_usd: sql`spend_daily.cost_usd + excluded.cost_usd`,
          }),
        )
        .execute();
    }
  });
}
