/**
 * Model groups for the console:
 *   GET /admin/api/models        every group with its deployments, their health and prices (administrators)
 *   GET /.gatehouse/api/models   the groups the caller may use, by name and tags (any authenticated caller)
 * "May use" is decided as /v1/models decides what it lists: policy allows the caller a plain chat call to the
 * group and its route obligations leave them a deployment; the HTTP facts are those of that call
 * (`POST /v1/chat/completions` from the caller's address, now), not of this listing request.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mayList, requestFacts } from '../policy/authorize.js';
import type { Runtime } from '../server/runtime.js';
import type { Store } from '../store/database.js';
import { deploymentLatencyP50 } from '../usage/deployment-latency.js';
import { modelGroupJson } from './model-groups-json.js';
import { parseInput } from './parse-input.js';
import { adminOnly, requireAdmin } from './require-admin.js';
import { authenticatedOnly, requireAuthenticated, SIGN_IN_FIRST } from '../identity/require-authenticated.js';

export interface ModelsRoutesDeps {
  runtime: () => Runtime;
  store: Pick<Store, 'db' | 'dialect' | 'sqlite'>;
}

const noQuery = z.strictObject({});

export function registerModelsRoutes(app: FastifyInstance, deps: ModelsRoutesDeps): void {
  app.get('/admin/api/models', { onRequest: adminOnly }, async (req, reply) => {
    requireAdmin(req);
    parseInput(noQuery, req.query, 'query');
    const router = deps.runtime().router;
    const now = Date.now();
    const latencyP50 = await deploymentLatencyP50(deps.store, new Date(now));
    const health = new Map(router.health.snapshot(now).map((entry) => [entry.key, entry]));
    const data = [...router.groups()].map((group) => modelGroupJson(group, { health, latencyP50, now }));
    return reply.header('cache-control', 'no-store').send({ object: 'list', data });
  });

  app.get('/.gatehouse/api/models', { onRequest: authenticatedOnly }, async (req, reply) => {
    const principal = requireAuthenticated(req, SIGN_IN_FIRST);
    parseInput(noQuery, req.query, 'query');
    const runtime = deps.runtime();
    const facts = { ...requestFacts(req), method: 'POST', path: '/v1/chat/completions' };
    const named = (name: string) => runtime.router.group(name);
    const data = [...runtime.router.groups()]
      .filter((group) => mayList(runtime.policy, principal, facts, group, named))
      .map((group) => ({ name: group.name, description: group.description ?? null, tags: group.tags }));
    return reply.header('cache-control', 'no-store').send({ object: 'list', data });
  });
}
