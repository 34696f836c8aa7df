import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchDroppedError, BatchWriter, type BatchWriterOptions } from '../../src/store/batch-writer.js';

/** A write function the test controls: records every batch and can hold or fail each call. */
class FakeSink {
  readonly batches: number[][] = [];
  readonly errors: Array<{ error: unknown; batch: number[] }> = [];
  running = 0;
  maxRunning = 0;
  /** Calls to hold until released; a held call resolves or rejects as release() says. */
  private held: Array<() => void> = [];
  hold = false;
  failNext = 0;

  readonly write = async (batch: number[]): Promise<void> => {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
      if (this.failNext > 0) {
        this.failNext--;
        throw new Error('database is down');
      }
      this.batches.push([...batch]);
    } finally {
      this.running--;
    }
  };

  readonly onError = (error: unknown, batch: number[]): void => {
    this.errors.push({ error, batch: [...batch] });
  };

  /** Lets every held call continue, and stops holding new ones. */
  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }

  get written(): number[] {
    return this.batches.flat();
  }
}

function writer(sink: FakeSink, options: Partial<BatchWriterOptions<number>> = {}): BatchWriter<number> {
  return new BatchWriter({ write: sink.write, onError: sink.onError, flushIntervalMs: 1_000, batchSize: 3, ...options });
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('BatchWriter', () => {
  let sink: FakeSink;
  let open: BatchWriter<number>[];

  beforeEach(() => {
    vi.useFakeTimers();
    sink = new FakeSink();
    open = [];
  });
  afterEach(async () => {
    sink.release();
    await Promise.all(open.map((w) => w.close().catch(() => undefined)));
    vi.useRealTimers();
  });

  function make(options: Partial<BatchWriterOptions<number>> = {}): BatchWriter<number> {
    const w = writer(sink, options);
    open.push(w);
    return w;
  }

  it('writes a full batch at once, without waiting for the timer', async () => {
    const w = make();
    [1, 2, 3, 4].forEach((n) => w.enqueue(n));
    await settle();
    expect(sink.batches).toEqual([[1, 2, 3]]);
    expect(w.pending).toBe(1);
  });

  it('writes a partial batch when the interval elapses', async () => {
    const w = make();
    w.enqueue(1);
    w.enqueue(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toEqual([[1, 2]]);
    expect(w.pending).toBe(0);
  });

  it('does not block or throw in enqueue while the database is slow', async () => {
    sink.hold = true;
    const w = make();
    for (let n = 1; n <= 10; n++) expect(() => w.enqueue(n)).not.toThrow();
    expect(w.pending).toBe(10);
  });

  it('never runs two writes at once, and keeps enqueue order', async () => {
    sink.hold = true;
    const w = make({ batchSize: 2 });
    for (let n = 1; n <= 9; n++) w.enqueue(n);
    await vi.advanceTimersByTimeAsync(5_000); // several ticks while the first write is stuck
    expect(sink.running).toBe(1);
    sink.release();
    await w.flush();
    expect(sink.maxRunning).toBe(1);
    expect(sink.written).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sink.batches.every((batch) => batch.length <= 2)).toBe(true);
  });

  it('keeps a failed batch, reports it, and retries it first on the next tick', async () => {
    sink.failNext = 1;
    const w = make();
    [1, 2, 3].forEach((n) => w.enqueue(n));
    await settle();
    expect(sink.errors).toEqual([{ error: new Error('database is down'), batch: [1, 2, 3] }]);
    expect(w.pending).toBe(3);

    // While failing, filling another batch does not hammer the database: only the timer retries.
    [4, 5, 6].forEach((n) => w.enqueue(n));
    await settle();
    expect(sink.batches).toEqual([]);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(sink.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(w.pending).toBe(0);
    expect(w.dropped).toBe(0);
  });

  it('flush() resolves once everything enqueued before it is written', async () => {
    sink.hold = true;
    const w = make({ batchSize: 2 });
    [1, 2, 3].forEach((n) => w.enqueue(n));
    let flushed = false;
    const flushing = w.flush().then(() => (flushed = true));
    w.enqueue(4);
    await settle();
    expect(flushed).toBe(false);
    sink.release();
    await flushing;
    expect(sink.written.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('flush() resolves at once when nothing is queued', async () => {
    const w = make();
    await expect(w.flush()).resolves.toBeUndefined();
    expect(sink.batches).toEqual([]);
  });

  it('flush() rejects when a write fails, and the items stay queued', async () => {
    sink.failNext = 1;
    const w = make();
    w.enqueue(1);
    await expect(w.flush()).rejects.toThrow('database is down');
    expect(w.pending).toBe(1);
    await w.flush();
    expect(sink.written).toEqual([1]);
  });

  it('close() writes everything still queued, in batches, and stops the timer', async () => {
    const w = make();
    for (let n = 1; n <= 7; n++) w.enqueue(n);
    await w.close();
    expect(sink.written).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() waits for a slow write in flight, then writes the rest', async () => {
    sink.hold = true;
    const w = make();
    for (let n = 1; n <= 5; n++) w.enqueue(n);
    let closed = false;
    const closing = w.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    sink.release();
    await closing;
    expect(sink.written).toEqual([1, 2, 3, 4, 5]);
  });

  it('close() retries once after a failed background write', async () => {
    sink.failNext = 1;
    const w = make();
    [1, 2, 3].forEach((n) => w.enqueue(n));
    await w.close();
    expect(sink.written).toEqual([1, 2, 3]);
  });

  it('close() reports what it could not write as lost, and rejects', async () => {
    sink.failNext = 2;
    const w = make();
    [1, 2].forEach((n) => w.enqueue(n));
    await expect(w.close()).rejects.toThrow('database is down');
    const last = sink.errors.at(-1);
    expect(last?.batch).toEqual([1, 2]);
    expect(last?.error).toBeInstanceOf(BatchDroppedError);
    expect(last?.error).toMatchObject({ reason: 'closed', count: 2 });
    expect(w.dropped).toBe(2);
    expect(w.pending).toBe(0);
  });

  it('reports items enqueued after close instead of holding them', async () => {
    const w = make();
    await w.close();
    w.enqueue(9);
    expect(sink.errors).toEqual([{ error: expect.any(BatchDroppedError), batch: [9] }]);
    expect(sink.batches).toEqual([]);
  });

  it('drops the oldest queued batch beyond maxQueue, reports it, and keeps the write in flight', async () => {
    sink.hold = true;
    const w = make({ batchSize: 2, maxQueue: 4 });
    for (let n = 1; n <= 5; n++) w.enqueue(n); // [1,2] in flight, [3,4] queued, 5 overflows
    expect(w.pending).toBe(3);
    expect(w.dropped).toBe(2);
    expect(sink.errors).toHaveLength(1);
    expect(sink.errors[0]?.batch).toEqual([3, 4]);
    expect(sink.errors[0]?.error).toMatchObject({ name: 'BatchDroppedError', reason: 'queue-full', count: 2 });

    sink.release();
    await w.flush();
    expect(sink.written).toEqual([1, 2, 5]);
  });

  it('counts a failed batch against maxQueue while it waits for its retry', async () => {
    sink.failNext = 1;
    const w = make({ batchSize: 2, maxQueue: 3 });
    [1, 2].forEach((n) => w.enqueue(n));
    await settle(); // the write of [1, 2] failed; they are queued again
    w.enqueue(3);
    w.enqueue(4); // 4 items > maxQueue: the oldest batch goes
    expect(sink.errors.map((e) => e.batch)).toEqual([[1, 2], [1, 2]]);
    expect(w.pending).toBe(2);
    await w.flush();
    expect(sink.written).toEqual([3, 4]);
  });

  it('survives an onError that throws', async () => {
    const w = make({
      batchSize: 1,
      maxQueue: 1,
      onError: () => {
        throw new Error('broken logger');
      },
    });
    sink.hold = true;
    w.enqueue(1);
    expect(() => w.enqueue(2)).not.toThrow();
  });

  it('rejects invalid options, naming the option', () => {
    expect(() => writer(sink, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => writer(sink, { flushIntervalMs: 0 })).toThrow(/flushIntervalMs/);
    expect(() => writer(sink, { batchSize: 10, maxQueue: 5 })).toThrow(/maxQueue/);
  });
});
