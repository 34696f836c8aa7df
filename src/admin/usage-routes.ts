/**
 * The usage report (see usage/report.ts):
 *   GET /admin/api/usage?window=24h|7d|30d        every request (administrators)
 *   GET /.gatehouse/api/usage?window=24h|7d|30d   only the caller's own requests (any authenticated caller)
 * The caller's own report is filtered by the subject the gateway authenticated, never by anything in the
 * request: the query accepts `window` and nothing else, so no parameter can name another person.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../store/database.js';
import { usageReport } from '../usage/report.js';
import { USAGE_WINDOW_NAMES } from '../usage/windows.js';
import { parseInput } from './parse-input.js';
import { adminOnly, requireAdmin } from './require-admin.js';
import { authenticatedOnly, requireAuthenticated, SIGN_IN_FIRST } from '../identity/require-authenticated.js';

export interface UsageRoutesDeps {
  store: Pick<Store, 'db' | 'dialect' | 'sqlite'>;
  /** Default: the present. */
  clock?: () => Date;
}

export const usageQuery = z.strictObject({
  window: z.enum(USAGE_WINDOW_NAMES).default('24h').meta({ description: 'Window: 24h (hourly buckets), 7d (6-hour buckets) or 30d (daily buckets). Default 24h.' }),
});

export function registerUsageRoutes(app: FastifyInstance, deps: UsageRoutesDeps): void {
  const clock = deps.clock ?? (() => new Date());
  app.get('/admin/api/usage', { onRequest: adminOnly }, async (req, reply) => {
    requireAdmin(req);
    const { window } = parseInput(usageQuery, req.query, 'query');
    return reply.header('cache-control', 'no-store').send(await usageReport(deps.store, { window, now: clock() }));
  });

  app.get('/.gatehouse/api/usage', { onRequest: authenticatedOnly }, async (req, reply) => {
    const principal = requireAuthenticated(req, SIGN_IN_FIRST);
    const { window } = parseInput(usageQuery, req.query, 'query');
    return reply.header('cache-control', 'no-store').send(await usageReport(deps.store, { window, subject: principal.subject, now: clock() }));
  });
}
