/**
 * POST /admin/api/policy/explain: what the running policy decides for a given person, model and context, and why
 * (the same explanation `gatehouse policy test` prints and the audit record summarises).
 */
import type { FastifyInstance } from 'fastify';
import { explainRequest } from '../policy/explain-request.js';
import type { Runtime } from '../server/runtime.js';
import { requireAdmin } from './require-admin.js';

export interface PolicyRoutesDeps {
  runtime: () => Runtime;
}

export function registerPolicyRoutes(app: FastifyInstance, deps: PolicyRoutesDeps): void {
  app.post('/admin/api/policy/explain', { onRequest: async (req) => void requireAdmin(req) }, async (req) => {
    const runtime = deps.runtime();
    return explainRequest(runtime.config, req.body, runtime.policy);
  });
}
