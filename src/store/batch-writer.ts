/**
 * Queues items in memory and writes them in batches, so that code on the response path (usage records, audit
 * records) never waits on the database. At most one write runs at a time; a failed batch goes back to the front
 * of the queue and is retried on the next flush, so a slow or briefly unavailable database loses nothing. Only
 * a queue grown past `maxQueue` drops items (the oldest), and every drop is reported.
 */

export interface BatchWriterOptions<T> {
  /** Writes one batch; rejecting means nothing in it was written (make it one transaction). */
  write: (batch: T[]) => Promise<void>;
  flushIntervalMs: number;
  /** Items per write; a full batch is written at once without waiting for the timer. */
  batchSize: number;
  /** Most items held (queued plus in flight); defaults to 100 batches. */
  maxQueue?: number;
  /**
   * Called with a failed write's error and its batch (kept, and retried), or with a `BatchDroppedError` and the
   * items that are lost. Must not throw; if it does, the exception is ignored.
   */
  onError?: (error: unknown, batch: T[]) => void;
}

/** Reported through `onError` for items that will never be written. */
export class BatchDroppedError extends Error {
  constructor(
    /** `queue-full`: over `maxQueue`; `closed`: enqueued after close, or still unwritten when close gave up. */
    readonly reason: 'queue-full' | 'closed',
    readonly count: number,
    options?: { cause?: unknown },
  ) {
    super(`dropped ${count} queued item(s): ${reason === 'queue-full' ? 'the queue is full' : 'the writer is closed'}`, options);
    this.name = 'BatchDroppedError';
  }
}

const DEFAULT_MAX_QUEUE_BATCHES = 100;

/** An item and its position in enqueue order, which is how `flush()` knows what came before it. */
interface Entry<T> {
  seq: number;
  item: T;
}

interface Write {
  /** The seq of the batch's first item: the oldest unsettled item while the write runs. */
  start: number;
  size: number;
  done: Promise<void>;
}

export class BatchWriter<T> {
  private readonly write: (batch: T[]) => Promise<void>;
  private readonly batchSize: number;
  private readonly maxQueue: number;
  private readonly onError: ((error: unknown, batch: T[]) => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private queue: Entry<T>[] = [];
  private enqueued = 0;
  private inFlight: Write | undefined;
  /** Set by a failed write, cleared by a successful one: while set, only the timer (or flush) retries. */
  private failing = false;
  private draining = false;
  private closing: Promise<void> | undefined;
  private droppedCount = 0;

  constructor(options: BatchWriterOptions<T>) {
    const { flushIntervalMs, batchSize } = options;
    const maxQueue = options.maxQueue ?? batchSize * DEFAULT_MAX_QUEUE_BATCHES;
    if (!(flushIntervalMs > 0 && Number.isFinite(flushIntervalMs))) throw new RangeError(`flushIntervalMs must be a positive number, got ${flushIntervalMs}`);
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    if (!(Number.isInteger(maxQueue) && maxQueue >= batchSize)) throw new RangeError(`maxQueue must be an integer >= batchSize (${batchSize}), got ${maxQueue}`);
    this.write = options.write;
    this.batchSize = batchSize;
    this.maxQueue = maxQueue;
    this.onError = options.onError;
    // unref: a pending flush must not keep the process alive; shutdown calls close() to write what is left.
    this.timer = setInterval(() => this.tick(), flushIntervalMs).unref();
  }

  /** Items not yet written: queued plus the batch being written. */
  get pending(): number {
    return this.queue.length + (this.inFlight?.size ?? 0);
  }

  /** Items dropped so far (queue overflow or close), for metrics. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Queues an item. Synchronous and cheap: it never waits for, nor fails because of, the database. */
  enqueue(item: T): void {
    if (this.closing) {
      this.drop(new BatchDroppedError('closed', 1), [item]);
      return;
    }
    this.queue.push({ seq: this.enqueued++, item });
    if (this.pending > this.maxQueue) this.dropOldest();
    if (this.queue.length >= this.batchSize && !this.failing) this.drainInBackground();
  }

  /**
   * Resolves once every item enqueued before the call is written (or was dropped and reported). Rejects if a
   * write fails first; the failed items stay queued for the next attempt.
   */
  async flush(): Promise<void> {
    const target = this.enqueued;
    while (this.firstUnsettled() < target) await this.writeNext();
  }

  /** Stops the timer and writes everything still queued. Rejects, after reporting the lost items, if it cannot. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    // A background write failing right now is no reason to give up: flush below makes a fresh attempt.
    await this.inFlight?.done.catch(() => undefined);
    try {
      await this.flush();
    } catch (error) {
      const lost = this.queue.splice(0).map((entry) => entry.item);
      this.drop(new BatchDroppedError('closed', lost.length, { cause: error }), lost);
      throw error;
    }
  }

  private tick(): void {
    // A write still running (slow database) will be followed by the next tick; don't stack flushes behind it.
    if (this.inFlight || this.queue.length === 0) return;
    this.flush().catch(() => undefined); // failures were reported by attempt()
  }

  /** Writes full batches while there are any; one loop at a time. */
  private drainInBackground(): void {
    if (this.draining) return;
    this.draining = true;
    const drain = async (): Promise<void> => {
      while (this.queue.length >= this.batchSize && !this.failing) await this.writeNext();
    };
    drain()
      .catch(() => undefined) // failures were reported by attempt(); the timer retries
      .finally(() => {
        this.draining = false;
      });
  }

  /** The seq of the oldest item not yet written or dropped. An in-flight batch is always older than the queue. */
  private firstUnsettled(): number {
    return this.inFlight?.start ?? this.queue[0]?.seq ?? this.enqueued;
  }

  /** Starts writing the next batch, or joins the write already running: writes never overlap. */
  private writeNext(): Promise<void> {
    if (this.inFlight) return this.inFlight.done;
    const entries = this.queue.splice(0, this.batchSize);
    if (entries[0] === undefined) return Promise.resolve();
    const write: Write = { start: entries[0].seq, size: entries.length, done: Promise.resolve() };
    this.inFlight = write;
    write.done = this.attempt(entries);
    return write.done;
  }

  private async attempt(entries: Entry<T>[]): Promise<void> {
    const batch = entries.map((entry) => entry.item);
    let failure: { error: unknown } | undefined;
    try {
      await this.write(batch);
    } catch (error) {
      failure = { error };
    }
    this.inFlight = undefined;
    if (failure === undefined) {
      this.failing = false;
      return;
    }
    // Back to the front, in order, for the next attempt.
    this.queue = entries.concat(this.queue);
    this.failing = true;
    this.report(failure.error, batch);
    throw failure.error;
  }

  /**
   * Drops the oldest queued batch (never the one being written). A whole batch at a time rather than one item per
   * enqueue, so an overloaded writer reports once per `batchSize` items instead of once per request.
   */
  private dropOldest(): void {
    const lost = this.queue.splice(0, this.batchSize).map((entry) => entry.item);
    if (lost.length > 0) this.drop(new BatchDroppedError('queue-full', lost.length), lost);
  }

  private drop(error: BatchDroppedError, items: T[]): void {
    this.droppedCount += items.length;
    this.report(error, items);
  }

  private report(error: unknown, batch: T[]): void {
    try {
      this.onError?.(error, batch);
    } catch {
      // A broken error handler must not break enqueue() on the response path.
    }
  }
}
