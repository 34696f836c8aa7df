/**
 * `verifyAuditChain`: walks the whole chain, oldest first, in pages, from the newest retention checkpoint (or the
 * genesis), and reports every record changed, removed or reordered. What it cannot see on its own is the newest
 * records being removed (the chain simply ends earlier): pass a head recorded elsewhere as `expectHead` for that.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { GENESIS, type ChainLink } from './chain.js';
import { ChainWalker, type AuditChainProblem } from './chain-walker.js';
import { latestCheckpoint } from './checkpoints.js';

export interface VerifyAuditOptions {
  /** A head seen earlier (from a previous verify, kept outside the database): it must still be in the chain. */
  expectHead?: ChainLink;
  /** Records read per query. */
  pageSize?: number;
}

export interface AuditVerification {
  ok: boolean;
  /** Records checked. */
  checked: number;
  /** Where the walk started: the newest retention checkpoint, or seq 0 (the genesis). */
  start: ChainLink;
  /** The newest record checked (the start when there are none): record it outside to detect truncation later. */
  head: ChainLink;
  /** Every problem found (the first 10,000 when there are more; `problemCount` counts them all). */
  problems: AuditChainProblem[];
  problemCount: number;
  /** Set when `expectHead` was given but lies before the start, so retention has deleted it: it was not checked. */
  expectedHeadPruned: boolean;
}

const DEFAULT_PAGE_SIZE = 1_000;
/** A retention run between reading the checkpoint and the first page shows up as a hole; walk again then. */
const ATTEMPTS = 3;

export async function verifyAuditChain(db: Kysely<Database>, options: VerifyAuditOptions = {}): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  let start = (await latestCheckpoint(db)) ?? GENESIS;
  for (let attempt = 1; ; attempt += 1) {
    const walker = await walkFrom(db, start, pageSize, options.expectHead);
    const now = (await latestCheckpoint(db)) ?? GENESIS;
    if (now.seq === start.seq || attempt === ATTEMPTS) return summarise(walker, options.expectHead);
    start = now;
  }
}

async function walkFrom(db: Kysely<Database>, start: ChainLink, pageSize: number, expectHead: ChainLink | undefined): Promise<ChainWalker> {
  const walker = new ChainWalker(start);
  let headHash: string | undefined = expectHead?.seq === start.seq ? start.hash : undefined;
  let after = start.seq;
  for (;;) {
    const page = await db.selectFrom('audit_records').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const row of page) {
      walker.visit(row);
      if (row.seq === expectHead?.seq) headHash = row.hash;
    }
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) break;
    after = last.seq;
  }
  if (expectHead !== undefined && expectHead.seq >= start.seq) checkExpectedHead(walker, expectHead, headHash);
  return walker;
}

function checkExpectedHead(walker: ChainWalker, expected: ChainLink, actualHash: string | undefined): void {
  if (walker.head.seq < expected.seq) walker.report({ kind: 'truncated', headSeq: walker.head.seq, expectedSeq: expected.seq });
  else if (actualHash !== undefined && actualHash !== expected.hash) {
    walker.report({ kind: 'head-mismatch', seq: expected.seq, expectedHash: expected.hash, actualHash });
  }
  // No hash while the chain reaches past it: that seq is missing, which the walker has reported already.
}

function summarise(walker: ChainWalker, expectHead: ChainLink | undefined): AuditVerification {
  return {
    ok: walker.problemCount === 0,
    checked: walker.checked,
    start: walker.start,
    head: walker.head,
    problems: walker.problems,
    problemCount: walker.problemCount,
    expectedHeadPruned: expectHead !== undefined && expectHead.seq < walker.start.seq,
  };
}
