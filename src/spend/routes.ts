/**
 * `GET /admin/api/spend?group_by=user|team|key|model|claim/<path>&from=YYYY-MM-DD&to=YYYY-MM-DD&limit=N`:
 * spend per value of one dimension over a range of days (both included, in the budget time zone), biggest
 * spenders first. `from` defaults to the first day of the current month and `to` to today. Admins only.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parseInput } from '../admin/parse-input.js';
import { adminOnly, requireAdmin } from '../admin/require-admin.js';
import { BudgetCalendar, isDayKey } from '../budgets/periods.js';
import type { Database } from '../store/schema.js';
import { isSpendDimension, type SpendDimension } from './dimensions.js';
import { querySpend } from './query.js';

export interface SpendRoutesDeps {
  readonly db: Kysely<Database>;
  /** Days are those of the budget time zone; default UTC. */
  readonly calendar?: BudgetCalendar;
  /** Default: the present. */
  readonly clock?: () => Date;
}

const MAX_LIMIT = 10_000;

const day = z.string().refine(isDayKey, 'expected a date YYYY-MM-DD');
const spendQuery = z
  .strictObject({
    group_by: z.string().refine(isSpendDimension, 'expected user, team, key, model or claim/<path>'),
    from: day.optional(),
    to: day.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, { message: 'from must not be after to', path: ['from'] });

export function registerSpendRoutes(app: FastifyInstance, deps: SpendRoutesDeps): void {
  const calendar = deps.calendar ?? new BudgetCalendar('UTC');
  const clock = deps.clock ?? (() => new Date());
  app.get('/admin/api/spend', { onRequest: adminOnly }, async (req) => {
    requireAdmin(req);
    const query = parseInput(spendQuery, req.query, 'query');
    const now = clock();
    const to = query.to ?? calendar.dayKey(now);
    const from = query.from ?? (query.to === undefined ? calendar.window('month', now).firstDay : `${to.slice(0, 8)}01`);
    const groupBy = query.group_by as SpendDimension;
    const rows = await querySpend(deps.db, { groupBy, from, to, limit: query.limit ?? 100 });
    return { object: 'list', group_by: groupBy, from, to, data: rows };
  });
}
