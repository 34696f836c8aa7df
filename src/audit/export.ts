/**
 * `exportAudit`: writes the audit log as JSON Lines, oldest first, one record per line (the wire shape of the
 * admin API). Reads page by page and waits for the output to drain, so memory stays flat however large the log.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { fromAuditRow } from './audit-row.js';
import { auditRecordJson } from './record-json.js';

export interface AuditExportOptions {
  /** Records of requests that arrived at or after this instant. */
  from?: Date;
  /** Records of requests that arrived before this instant. */
  to?: Date;
  pageSize?: number;
}

const DEFAULT_PAGE_SIZE = 1_000;

/** Writes the records and resolves with how many; does not end `out`. */
export async function exportAudit(db: Kysely<Database>, out: Writable, options: AuditExportOptions = {}): Promise<number> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let after = 0;
  let count = 0;
  for (;;) {
    let select = db.selectFrom('audit_records').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize);
    if (options.from !== undefined) select = select.where('time', '>=', options.from.getTime());
    if (options.to !== undefined) select = select.where('time', '<', options.to.getTime());
    const rows = await select.execute();
    const text = rows.map((row) => `${JSON.stringify(auditRecordJson(fromAuditRow(row)))}\n`).join('');
    if (text !== '' && !out.write(text)) await once(out, 'drain');
    count += rows.length;
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) return count;
    after = last.seq;
  }
}
