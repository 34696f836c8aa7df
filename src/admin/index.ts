/**
 * The admin API under `/admin/api/`: every route needs an administrator (see require-admin.ts). Errors are
 * GatehouseErrors rendered in OpenAI's shape by the app's error handler.
 */
import type { FastifyInstance } from 'fastify';
import { registerAuditRecordRoutes } from '../audit/record-routes.js';
import { registerAuditRoutes } from '../audit/routes.js';
import { Directory } from '../directory/directory.js';
import type { Store } from '../store/database.js';
import { registerKeyRoutes, type KeyRoutesDeps } from './keys-routes.js';
import { registerModelsRoutes } from './models-routes.js';
import { registerDocsRoutes } from './openapi.js';
import { registerPolicyRoutes, type PolicyRoutesDeps } from './policy-routes.js';
import { registerTeamRoutes } from './teams-routes.js';
import { registerUsageRoutes } from './usage-routes.js';
import { registerUserRoutes } from './users-routes.js';

export interface AdminDeps extends KeyRoutesDeps, PolicyRoutesDeps {
  /** The store: its database, and for the usage and latency reports the backend (percentiles differ per backend). */
  store: Pick<Store, 'db' | 'dialect' | 'sqlite'>;
  /** The process's directory, so admin changes reach its caches at once; without one, the routes make their own. */
  directory?: Directory;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { db } = deps.store;
  registerKeyRoutes(app, deps);
  registerPolicyRoutes(app, deps);
  registerAuditRoutes(app, { db });
  registerAuditRecordRoutes(app, { db });
  registerUsageRoutes(app, { store: deps.store });
  registerModelsRoutes(app, { runtime: deps.runtime, store: deps.store });
  const directory = deps.directory ?? new Directory({ db });
  registerTeamRoutes(app, { db, directory });
  registerUserRoutes(app, { db, directory });
  registerDocsRoutes(app);
}

export { requireAdmin } from './require-admin.js';
export { CSRF_HEADER, CSRF_HEADER_VALUE } from './csrf.js';
