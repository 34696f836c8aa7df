/**
 * More of the audit log for administrators:
 *   GET /admin/api/audit/verify   the hash chain of the newest records (see verify-recent.ts)
 *   GET /admin/api/audit/{id}     one record, by seq (digits) or by request id (`req_…`)
 * A record is the same full record the list returns, the stored explanation of its decision included
 * (`matched_rules`, and `deny_reason` naming the deciding rule or the criteria that failed).
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../admin/parse-input.js';
import { adminOnly, requireAdmin } from '../admin/require-admin.js';
import { GatehouseError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { fromAuditRow } from './audit-row.js';
import { describeProblem } from './chain-walker.js';
import { auditRecordJson } from './record-json.js';
import { RECENT_AUDIT_RECORDS, verifyRecentAuditChain } from './verify-recent.js';

export interface AuditRecordRoutesDeps {
  db: Kysely<Database>;
}

/** Problems listed in full in the response; the count covers them all. */
const LISTED_PROBLEMS = 20;

export const auditRecordParams = z.object({
  id: z.string().min(1).max(200).meta({ description: 'The record\'s seq, or the request id (x-request-id) it records.' }),
});

export function registerAuditRecordRoutes(app: FastifyInstance, deps: AuditRecordRoutesDeps): void {
  app.get('/admin/api/audit/verify', { onRequest: adminOnly }, async (req, reply) => {
    requireAdmin(req);
    const result = await verifyRecentAuditChain(deps.db);
    return reply.header('cache-control', 'no-store').send({
      ok: result.ok,
      records_checked: result.recordsChecked,
      first_broken_id: result.firstBrokenSeq,
      message: result.message,
      scope: { limit: RECENT_AUDIT_RECORDS, from_seq: result.anchorSeq + 1, to_seq: result.headSeq },
      problem_count: result.problemCount,
      problems: result.problems.slice(0, LISTED_PROBLEMS).map(describeProblem),
    });
  });

  app.get('/admin/api/audit/:id', { onRequest: adminOnly }, async (req) => {
    requireAdmin(req);
    const { id } = parseInput(auditRecordParams, req.params, 'path');
    const bySeq = /^\d{1,15}$/.test(id);
    const row = await deps.db
      .selectFrom('audit_records')
      .selectAll()
      .where(bySeq ? 'seq' : 'request_id', '=', bySeq ? Number(id) : id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row === undefined) throw new GatehouseError('GH_ERR_NOT_FOUND', `No audit record "${id.slice(0, 200)}".`);
    return auditRecordJson(fromAuditRow(row));
  });
}
