/**
 * The audit log as the request path sees it: `append()` is synchronous and in memory; records reach the store in
 * batches (one transaction each, chained under the chain lock), and `close()` writes whatever is still queued.
 * Retention runs at start and then periodically, off the request path.
 */
import type { GatehouseConfig } from '../config/schema.js';
import { BatchWriter } from '../store/batch-writer.js';
import { appendAuditRows } from './append.js';
import { toAuditRow } from './audit-row.js';
import type { AuditStore } from './chain-lock.js';
import type { AuditRecord } from './record.js';
import { pruneAudit } from './retention.js';

export interface AuditLogOptions {
  flushIntervalMs: number;
  /** Records per write; a full batch is written at once. */
  batchSize: number;
  /** Most records held in memory while the store is slow or down; beyond it the oldest are dropped (and reported). */
  maxQueue?: number;
  /** Records older than this are deleted; null keeps them forever. */
  retentionMs: number | null;
  /** How often retention runs (default: hourly). */
  pruneIntervalMs?: number;
  /** Longest prompt and completion kept, in UTF-16 code units. */
  promptMaxChars: number;
  /**
   * A failed write (its records are kept and retried), or records lost for good (`BatchDroppedError`). Must not
   * throw.
   */
  onWriteError?: (error: unknown, records: readonly AuditRecord[]) => void;
  /** A failed retention run (retried at the next interval). Must not throw. */
  onPruneError?: (error: unknown) => void;
  /** After each retention run that deleted records. */
  onPruned?: (deleted: number) => void;
}

const HOUR_MS = 3_600_000;

/** The writer's settings from the config: batching as for usage records (`storage`), retention from `audit`. */
export function auditLogOptions(config: GatehouseConfig): AuditLogOptions {
  return {
    flushIntervalMs: config.storage.flush_interval,
    batchSize: config.storage.batch_size,
    retentionMs: config.audit.retention,
    pruneIntervalMs: config.audit.prune_interval,
    promptMaxChars: config.audit.log_prompts_max_chars,
  };
}

export class AuditLog {
  private readonly writer: BatchWriter<AuditRecord>;
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly store: AuditStore,
    private readonly options: AuditLogOptions,
  ) {
    const { promptMaxChars } = options;
    const pruneInterval = options.pruneIntervalMs ?? HOUR_MS;
    if (!(Number.isInteger(promptMaxChars) && promptMaxChars >= 0)) throw new RangeError(`promptMaxChars must be a non-negative integer, got ${promptMaxChars}`);
    if (!(pruneInterval > 0 && Number.isFinite(pruneInterval))) throw new RangeError(`pruneIntervalMs must be a positive number, got ${pruneInterval}`);
    this.writer = new BatchWriter<AuditRecord>({
      flushIntervalMs: options.flushIntervalMs,
      batchSize: options.batchSize,
      ...(options.maxQueue !== undefined && { maxQueue: options.maxQueue }),
      // Rows are built here, off the request path: text cleaning and prompt cutting are not free.
      write: async (batch) => {
        await appendAuditRows(store, batch.map((record) => toAuditRow(record, promptMaxChars)));
      },
      ...(options.onWriteError && { onError: options.onWriteError }),
    });
    if (options.retentionMs !== null) {
      // unref: retention must never keep the process alive.
      this.pruneTimer = setInterval(() => void this.prune(), pruneInterval).unref();
      void this.prune();
    }
  }

  /**
   * Queues one record. Synchronous, cheap and never fails on the database's account. The record is kept as given
   * until written: do not change it afterwards.
   */
  append(record: AuditRecord): void {
    this.writer.enqueue(record);
  }

  /** Records queued or being written. */
  get pending(): number {
    return this.writer.pending;
  }

  /** Records lost so far (queue overflow, or unwritable at close). */
  get dropped(): number {
    return this.writer.dropped;
  }

  /** Resolves once every record appended before the call is stored. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * Deletes records past the retention period (no-op when records are kept forever). One run at a time; a call
   * during a run joins it. Never rejects: failures go to `onPruneError`.
   */
  prune(): Promise<void> {
    const { retentionMs } = this.options;
    if (retentionMs === null || this.closing) return Promise.resolve();
    this.pruning ??= this.runPrune(retentionMs).finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  /** Stops retention and writes everything queued. Rejects (after reporting the lost records) if it cannot. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async runPrune(retentionMs: number): Promise<void> {
    try {
      const deleted = await pruneAudit(this.store, new Date(Date.now() - retentionMs));
      if (deleted > 0) this.options.onPruned?.(deleted);
    } catch (error) {
      try {
        this.options.onPruneError?.(error);
      } catch {
        // A broken handler must not turn into an unhandled rejection from a timer.
      }
    }
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.pruning;
    await this.writer.close();
  }
}
