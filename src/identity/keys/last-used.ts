/**
 * `last_used_at` without a database write per request: a use is noted in memory (one Map write on the request
 * path) and the latest time per key is written in one batch every interval, so each key is written at most once
 * per interval per replica. A failed write keeps its times for the next one; `close()` writes what is left.
 */
import type { Kysely } from 'kysely';
import { recordApiKeyUse } from '../../store/api-keys.js';
import type { Database } from '../../store/schema.js';

export class LastUsedRecorder {
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    // unref: a pending write must not keep the process alive; shutdown calls close().
    this.timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs).unref();
  }

  /** Notes a use; synchronous and cheap. */
  note(keyId: string, at: number): void {
    this.pending.set(keyId, at);
  }

  /** The noted but not yet written time of a key, if any. */
  pendingFor(keyId: string): number | undefined {
    return this.pending.get(keyId);
  }

  /** Writes every noted use; one write at a time. Rejects (after reporting) when the write fails. */
  async flush(): Promise<void> {
    // Writes never overlap: wait out the running one (its failure was reported by its own caller).
    while (this.writing) await this.writing.catch(() => undefined);
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const uses = new Map([...batch].map(([id, at]) => [id, new Date(at)] as const));
    this.writing = recordApiKeyUse(this.db, uses)
      .catch((error: unknown) => {
        // Back into the queue unless a newer use was noted meanwhile.
        for (const [id, at] of batch) if (!((this.pending.get(id) ?? 0) > at)) this.pending.set(id, at);
        this.report(error);
        throw error;
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // A broken error handler must not break the writer.
    }
  }
}
