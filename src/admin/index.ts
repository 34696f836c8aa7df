/**
 * The admin API under `/admin/api/`: every route needs an administrator (see require-admin.ts). Errors are
 * GatehouseErrors rendered in OpenAI's shape by the app's error handler.
 */
import type { FastifyInstance } from 'fastify';
import { registerKeyRoutes, type KeyRoutesDeps } from './keys-routes.js';

export type AdminDeps = KeyRoutesDeps;

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  registerKeyRoutes(app, deps);
}

export { requireAdmin } from './require-admin.js';
export { CSRF_HEADER, CSRF_HEADER_VALUE } from './csrf.js';
