/**
 * The admin API under `/admin/api/`: every route needs an administrator (see require-admin.ts). Errors are
 * GatehouseErrors rendered in OpenAI's shape by the app's error handler.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { registerAuditRoutes } from '../audit/routes.js';
import type { Database } from '../store/schema.js';
import { registerKeyRoutes, type KeyRoutesDeps } from './keys-routes.js';
import { registerPolicyRoutes, type PolicyRoutesDeps } from './policy-routes.js';

export interface AdminDeps extends KeyRoutesDeps, PolicyRoutesDeps {
  db: Kysely<Database>;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  registerKeyRoutes(app, deps);
  registerPolicyRoutes(app, deps);
  registerAuditRoutes(app, { db: deps.db });
}

export { requireAdmin } from './require-admin.js';
export { CSRF_HEADER, CSRF_HEADER_VALUE } from './csrf.js';
