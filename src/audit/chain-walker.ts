/**
 * Checks records one by one in seq order against the link before them, and describes every break precisely:
 * a record whose content no longer matches its hash (changed), a jump in seq (removed), and a `prev_hash` that is
 * not the previous record's hash (reordered, or removed and renumbered, or rehashed after a change).
 */
import type { Selectable } from 'kysely';
import { recordHash, type ChainLink } from './chain.js';
import type { AuditRecordsTable } from './tables.js';

export type AuditChainProblem =
  /** The record's content (or its seq) was changed after it was hashed. */
  | { kind: 'altered'; seq: number; requestId: string }
  /** Records `fromSeq`..`toSeq` are gone; `afterSeq` is the last record (or checkpoint) before the hole. */
  | { kind: 'missing'; fromSeq: number; toSeq: number; afterSeq: number; nextRequestId: string }
  /**
   * The record's `prev_hash` is not the hash of the record before it. `linksToSeq` is the record it does name,
   * when that record was seen nearby: a record naming a later one, or an earlier one than its predecessor, has been
   * moved.
   */
  | { kind: 'broken-link'; seq: number; requestId: string; linksToSeq: number | undefined }
  /** The chain ends before an externally kept head: newer records were removed. */
  | { kind: 'truncated'; headSeq: number; expectedSeq: number }
  /** The record at an externally kept head's seq has another hash. */
  | { kind: 'head-mismatch'; seq: number; expectedHash: string; actualHash: string };

/** Problems kept in full; beyond this only counted, so a wholesale rewrite cannot exhaust memory. */
const MAX_PROBLEMS = 10_000;
/** Recent hashes remembered to say where a broken link points. */
const LINK_WINDOW = 10_000;

type BrokenLink = Extract<AuditChainProblem, { kind: 'broken-link' }>;

export class ChainWalker {
  readonly problems: AuditChainProblem[] = [];
  problemCount = 0;
  checked = 0;
  private last: ChainLink;
  private readonly recent = new Map<string, number>();
  /** Broken links whose target may still come later (a record moved backwards), by the hash they name. */
  private readonly dangling = new Map<string, BrokenLink[]>();

  constructor(readonly start: ChainLink) {
    this.last = start;
    this.remember(start);
  }

  /** The newest link checked (the start when there were no records). */
  get head(): ChainLink {
    return this.last;
  }

  visit(row: Selectable<AuditRecordsTable>): void {
    this.checked += 1;
    this.resolveDangling(row);
    if (row.seq !== this.last.seq + 1) {
      this.report({ kind: 'missing', fromSeq: this.last.seq + 1, toSeq: row.seq - 1, afterSeq: this.last.seq, nextRequestId: row.request_id });
    } else if (row.prev_hash !== this.last.hash) {
      this.reportBrokenLink(row);
    }
    if (recordHash(row, row.prev_hash) !== row.hash) this.report({ kind: 'altered', seq: row.seq, requestId: row.request_id });
    this.last = { seq: row.seq, hash: row.hash };
    this.remember(this.last);
  }

  report(problem: AuditChainProblem): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem);
  }

  private reportBrokenLink(row: Selectable<AuditRecordsTable>): void {
    const problem: BrokenLink = { kind: 'broken-link', seq: row.seq, requestId: row.request_id, linksToSeq: this.recent.get(row.prev_hash) };
    this.report(problem);
    if (problem.linksToSeq === undefined && this.dangling.size < LINK_WINDOW) {
      this.dangling.set(row.prev_hash, [...(this.dangling.get(row.prev_hash) ?? []), problem]);
    }
  }

  private resolveDangling(row: Selectable<AuditRecordsTable>): void {
    const waiting = this.dangling.get(row.hash);
    if (waiting === undefined) return;
    for (const problem of waiting) problem.linksToSeq = row.seq;
    this.dangling.delete(row.hash);
  }

  private remember(link: ChainLink): void {
    this.recent.set(link.hash, link.seq);
    if (this.recent.size > LINK_WINDOW) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

/** One line for a person, naming the seq and request ids concerned. */
export function describeProblem(problem: AuditChainProblem): string {
  switch (problem.kind) {
    case 'altered':
      return `seq ${problem.seq} (request ${problem.requestId}): changed: its content does not match its hash`;
    case 'missing': {
      const range = problem.fromSeq === problem.toSeq ? `seq ${problem.fromSeq}` : `seq ${problem.fromSeq}–${problem.toSeq}`;
      return `${range}: removed: the chain jumps from seq ${problem.afterSeq} to seq ${problem.toSeq + 1} (request ${problem.nextRequestId})`;
    }
    case 'broken-link': {
      const head = `seq ${problem.seq} (request ${problem.requestId}): broken link:`;
      if (problem.linksToSeq === undefined) {
        return `${head} its prev_hash matches no record nearby: seq ${problem.seq - 1} was changed and rehashed, or records were removed and renumbered`;
      }
      return `${head} its prev_hash names seq ${problem.linksToSeq}, not seq ${problem.seq - 1}: records were reordered`;
    }
    case 'truncated':
      return `truncated: the chain ends at seq ${problem.headSeq}, but a head at seq ${problem.expectedSeq} was recorded`;
    case 'head-mismatch':
      return `seq ${problem.seq}: differs from the recorded head: hash ${problem.actualHash}, expected ${problem.expectedHash}`;
  }
}
