/**
 * `verifyRecentAuditChain`: the hash chain of the newest records only, so a check on request (the console's
 * verification badge) costs the same however long the log is. Each of the newest `maxRecords` records is
 * checked against the one before it, starting from the record just before them (or the retention checkpoint,
 * or the genesis), whose own hash is taken as given. `gatehouse audit verify` walks the whole chain instead.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { GENESIS, type ChainLink } from './chain.js';
import { ChainWalker, describeProblem, type AuditChainProblem } from './chain-walker.js';
import { latestCheckpoint } from './checkpoints.js';

export const RECENT_AUDIT_RECORDS = 10_000;
const PAGE_SIZE = 1_000;

export interface RecentAuditVerification {
  ok: boolean;
  recordsChecked: number;
  /** The record the walk started after (its hash taken as given); 0 for the genesis. */
  anchorSeq: number;
  /** The newest record checked; the anchor when there were none. */
  headSeq: number;
  /** The lowest seq at fault, or null when intact. */
  firstBrokenSeq: number | null;
  problems: AuditChainProblem[];
  problemCount: number;
  /** One sentence for a person. */
  message: string;
}

export async function verifyRecentAuditChain(db: Kysely<Database>, maxRecords: number = RECENT_AUDIT_RECORDS): Promise<RecentAuditVerification> {
  if (!Number.isInteger(maxRecords) || maxRecords <= 0) throw new RangeError(`maxRecords must be a positive integer, got ${maxRecords}`);
  const anchor = await anchorFor(db, maxRecords);
  const walker = new ChainWalker(anchor);
  for (let after = anchor.seq; ; ) {
    const page = await db.selectFrom('audit_records').selectAll().where('seq', '>', after).orderBy('seq').limit(PAGE_SIZE).execute();
    for (const row of page) walker.visit(row);
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE_SIZE) break;
    after = last.seq;
  }
  const firstBrokenSeq = walker.problems.reduce<number | null>((lowest, problem) => {
    const seq = problemSeq(problem);
    return seq !== undefined && (lowest === null || seq < lowest) ? seq : lowest;
  }, null);
  const ok = walker.problemCount === 0;
  const scope = walker.checked === 0 ? 'no records to check' : `records ${anchor.seq + 1}–${walker.head.seq}`;
  const message = ok
    ? walker.checked === 0
      ? 'The audit log has no records to check.'
      : `The newest ${walker.checked} records (seq ${anchor.seq + 1}–${walker.head.seq}) are intact.`
    : `${walker.problemCount} problem(s) in ${scope}; the first: ${describeProblem(walker.problems[0]!)}.`;
  return { ok, recordsChecked: walker.checked, anchorSeq: anchor.seq, headSeq: walker.head.seq, firstBrokenSeq, problems: walker.problems, problemCount: walker.problemCount, message };
}

/**
 * The link to start after: the newest record older than the last `maxRecords` (a record missing there shows up as
 * a gap after it), never older than the retention checkpoint; the checkpoint or the genesis when the log is short.
 */
async function anchorFor(db: Kysely<Database>, maxRecords: number): Promise<ChainLink> {
  const floor = (await latestCheckpoint(db)) ?? GENESIS;
  const head = await db.selectFrom('audit_records').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (head === undefined || head.seq - maxRecords <= floor.seq) return floor;
  const before = await db
    .selectFrom('audit_records')
    .select(['seq', 'hash'])
    .where('seq', '<=', head.seq - maxRecords)
    .where('seq', '>', floor.seq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return before ?? floor;
}

function problemSeq(problem: AuditChainProblem): number | undefined {
  switch (problem.kind) {
    case 'altered':
    case 'broken-link':
    case 'head-mismatch':
      return problem.seq;
    case 'missing':
      return problem.fromSeq;
    case 'truncated':
      return undefined;
  }
}
