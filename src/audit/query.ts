/**
 * `queryAudit`: filtered, newest-first pages of the audit log. The order is the chain's (seq descending) and the
 * cursor is the last seq returned, so paging is stable while records are being written: new records get higher
 * seqs and never shift a page that is still to come.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { fromAuditRow } from './audit-row.js';
import type { AuditDecision, StoredAuditRecord } from './record.js';

export interface AuditQuery {
  /** Records of requests that arrived at or after this instant. */
  from?: Date;
  /** Records of requests that arrived before this instant. */
  to?: Date;
  /** A subject or an email. */
  user?: string;
  model?: string;
  decision?: AuditDecision;
  status?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Records per page: 1–1000, default 100. */
  limit?: number;
}

export interface AuditPage {
  records: StoredAuditRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 1_000;

/** Thrown for a malformed cursor or an out-of-range limit: the caller's mistake, not the store's. */
export class AuditQueryError extends Error {
  constructor(
    readonly param: 'cursor' | 'limit',
    message: string,
  ) {
    super(message);
    this.name = 'AuditQueryError';
  }
}

const CURSOR_PREFIX = 'a1.';

function encodeCursor(seq: number): string {
  return CURSOR_PREFIX + Buffer.from(String(seq)).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const seq = cursor.startsWith(CURSOR_PREFIX) ? Number(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString()) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) throw new AuditQueryError('cursor', 'The cursor is not one this API returned.');
  return seq;
}

export async function queryAudit(db: Kysely<Database>, query: AuditQuery = {}): Promise<AuditPage> {
  const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw new AuditQueryError('limit', `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}.`);
  let select = db.selectFrom('audit_records').selectAll().orderBy('seq', 'desc').limit(limit + 1);
  if (query.cursor !== undefined) select = select.where('seq', '<', decodeCursor(query.cursor));
  if (query.from !== undefined) select = select.where('time', '>=', query.from.getTime());
  if (query.to !== undefined) select = select.where('time', '<', query.to.getTime());
  const { user } = query;
  if (user !== undefined) select = select.where((eb) => eb.or([eb('subject', '=', user), eb('email', '=', user)]));
  if (query.model !== undefined) select = select.where('model', '=', query.model);
  if (query.decision !== undefined) select = select.where('decision', '=', query.decision);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const rows = await select.execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { records: page.map(fromAuditRow), nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
}
