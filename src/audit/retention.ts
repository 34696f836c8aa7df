/**
 * Retention: deletes the oldest records and leaves a checkpoint (the seq and hash of the last one deleted) in the
 * same transaction, so verification resumes from the checkpoint and the rest of the chain still verifies.
 *
 * Only a prefix of the chain is ever deleted: records are chained in write order, which is not strictly time
 * order across replicas or for long requests, so pruning stops at the first record that is still young. A record a
 * little past the retention period can therefore outlive it until the records before it are due.
 *
 * Each chunk is verified before it is deleted, and a broken chunk is not deleted: retention must never destroy the
 * evidence that the log was tampered with, nor cover it with a checkpoint.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { GENESIS, type ChainLink } from './chain.js';
import { withChainLock, type AuditStore } from './chain-lock.js';
import { ChainWalker, describeProblem, type AuditChainProblem } from './chain-walker.js';
import { latestCheckpoint } from './checkpoints.js';

/** Records deleted per transaction: bounds the time the chain lock is held and the rows read to verify them. */
const PRUNE_CHUNK = 1_000;

export class AuditChainBrokenError extends Error {
  constructor(readonly problems: readonly AuditChainProblem[]) {
    super(`audit retention stopped: the records due for deletion do not verify (${problems.map(describeProblem).slice(0, 3).join('; ')}); run "gatehouse audit verify"`);
    this.name = 'AuditChainBrokenError';
  }
}

/**
 * Deletes every record older than `olderThan` that has no younger record before it, and returns how many.
 * Safe to run from several replicas at once. Rejects with `AuditChainBrokenError` if those records do not verify.
 */
export async function pruneAudit(store: AuditStore, olderThan: Date, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const { deleted, more } = await pruneChunk(store, olderThan.getTime(), now.getTime());
    total += deleted;
    if (!more) return total;
  }
}

async function pruneChunk(store: AuditStore, cutoff: number, now: number): Promise<{ deleted: number; more: boolean }> {
  return withChainLock(store, async (db) => {
    const start = (await latestCheckpoint(db)) ?? GENESIS;
    const last = await lastToDelete(db, start, cutoff);
    if (last === undefined) return { deleted: 0, more: false };
    const rows = await db.selectFrom('audit_records').selectAll().where('seq', '>', start.seq).where('seq', '<=', last.seq).orderBy('seq').execute();
    const walker = new ChainWalker(start);
    for (const row of rows) walker.visit(row);
    if (walker.problemCount > 0) throw new AuditChainBrokenError(walker.problems);
    await db.deleteFrom('audit_records').where('seq', '<=', last.seq).execute();
    await db.insertInto('audit_checkpoints').values({ seq: last.seq, hash: last.hash, pruned_at: now, deleted: rows.length }).execute();
    return { deleted: rows.length, more: last.seq === start.seq + PRUNE_CHUNK };
  });
}

/** The newest record of the next chunk to delete: older than the cutoff, with no younger record before it. */
async function lastToDelete(db: Kysely<Database>, start: ChainLink, cutoff: number): Promise<ChainLink | undefined> {
  const chunkEnd = start.seq + PRUNE_CHUNK;
  const inChunk = db.selectFrom('audit_records').where('seq', '>', start.seq).where('seq', '<=', chunkEnd);
  const firstKept = await inChunk.select('seq').where('time', '>=', cutoff).orderBy('seq').limit(1).executeTakeFirst();
  const bound = firstKept === undefined ? chunkEnd : firstKept.seq - 1;
  return inChunk.select(['seq', 'hash']).where('seq', '<=', bound).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}
