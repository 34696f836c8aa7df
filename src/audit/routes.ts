/** `GET /admin/api/audit`: the audit log for administrators, filtered and paged (see `queryAudit`). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { GatehouseError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { AuditQueryError, queryAudit, type AuditQuery } from './query.js';
import { auditRecordJson } from './record-json.js';

export interface AuditRouteDeps {
  db: Kysely<Database>;
}

type AuditQueryString = Partial<Record<'from' | 'to' | 'user' | 'model' | 'decision' | 'status' | 'cursor' | 'limit', string | string[]>>;

export function registerAuditRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  app.get<{ Querystring: AuditQueryString }>('/admin/api/audit', async (req) => {
    requireAdmin(req);
    const query = parseAuditQuery(req.query);
    try {
      const page = await queryAudit(deps.db, query);
      return { data: page.records.map(auditRecordJson), next_cursor: page.nextCursor };
    } catch (error) {
      if (error instanceof AuditQueryError) throw new GatehouseError('GH_ERR_BAD_REQUEST', error.message, { param: error.param });
      throw error;
    }
  });
}

function requireAdmin(req: FastifyRequest): void {
  if (!req.principal?.authenticated) throw new GatehouseError('GH_ERR_AUTH_MISSING');
  if (!req.principal.admin) throw new GatehouseError('GH_ERR_POLICY_DENIED', 'Administrators only.');
}

/** Turns the query string into an AuditQuery; a malformed value is a 400 naming the parameter. */
export function parseAuditQuery(raw: AuditQueryString): AuditQuery {
  const one = (name: keyof AuditQueryString): string | undefined => {
    const value = raw[name];
    if (Array.isArray(value)) throw badParam(name, `give "${name}" once.`);
    return value === undefined || value === '' ? undefined : value;
  };
  const query: AuditQuery = {};
  const from = one('from');
  const to = one('to');
  const decision = one('decision');
  const status = one('status');
  const limit = one('limit');
  if (from !== undefined) query.from = instant('from', from);
  if (to !== undefined) query.to = instant('to', to);
  if (decision !== undefined) {
    if (decision !== 'allow' && decision !== 'deny') throw badParam('decision', '"decision" must be allow or deny.');
    query.decision = decision;
  }
  if (status !== undefined) query.status = integer('status', status);
  if (limit !== undefined) query.limit = integer('limit', limit);
  for (const name of ['user', 'model', 'cursor'] as const) {
    const value = one(name);
    if (value !== undefined) query[name] = value;
  }
  return query;
}

/** An ISO 8601 date or date-time, or epoch milliseconds. */
function instant(name: string, value: string): Date {
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime())) throw badParam(name, `"${name}" must be an ISO 8601 time (2025-01-31T12:00:00Z) or epoch milliseconds.`);
  return date;
}

function integer(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw badParam(name, `"${name}" must be a whole number.`);
  return Number(value);
}

function badParam(name: string, message: string): GatehouseError {
  return new GatehouseError('GH_ERR_BAD_REQUEST', `Invalid query parameter: ${message}`, { param: name });
}
