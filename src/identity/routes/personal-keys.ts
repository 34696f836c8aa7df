/**
 * Personal keys for the signed-in user:
 *   POST /.gatehouse/api/personal_keys              mint one ({ name?, lifetime? }); the key is in this response only
 *   GET  /.gatehouse/api/personal_keys              the caller's own personal keys
 *   POST /.gatehouse/api/personal_keys/:id/revoke   revoke one of the caller's own
 * Minting needs a person (browser session or bearer JWT), never a key. Cookie-authenticated calls that change
 * state must carry `X-Requested-By: gatehouse` (CSRF defence, see admin/csrf.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireCsrfHeader } from '../../admin/csrf.js';
import { keyJson } from '../../admin/key-json.js';
import { parseInput } from '../../admin/parse-input.js';
import { GatehouseError } from '../../errors.js';
import { parseLifetime, type VirtualKeys } from '../keys/index.js';
import type { Principal } from '../principal.js';
import { requireAuthenticated, SIGN_IN_FIRST } from '../require-authenticated.js';

export interface PersonalKeyRoutesDeps {
  keys: () => VirtualKeys | undefined;
}

const mintBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  lifetime: z.union([z.string(), z.number()]).optional(),
});
const idParams = z.object({ id: z.string().min(1).max(100) });

const BASE = '/.gatehouse/api/personal_keys';

export function registerPersonalKeyRoutes(app: FastifyInstance, deps: PersonalKeyRoutesDeps): void {
  app.post(BASE, { onRequest: async (req) => void signedIn(req) }, async (req, reply) => {
    const principal = signedIn(req);
    const body = parseInput(mintBody, req.body, 'request body');
    const lifetimeMs = body.lifetime === undefined ? undefined : lifetimeOf(body.lifetime);
    const created = await available(deps).createPersonalKey(principal, { name: body.name, lifetimeMs });
    return reply.code(201).header('cache-control', 'no-store').send({ key: created.key, ...keyJson(created.record) });
  });

  app.get(BASE, async (req) => {
    const principal = requireAuthenticated(req, SIGN_IN_FIRST);
    const keys = await available(deps).list({ ownerUser: principal.subject, kind: 'personal' });
    return { object: 'list', data: keys.map(keyJson) };
  });

  app.post(`${BASE}/:id/revoke`, { onRequest: async (req) => void ownRequest(req) }, async (req) => {
    const principal = ownRequest(req);
    const { id } = parseInput(idParams, req.params, 'path');
    const keys = available(deps);
    const key = await keys.get(id);
    // Someone else's key is reported exactly like a missing one: ids are not to be probed.
    if (!key || key.kind !== 'personal' || key.ownerUser !== principal.subject) throw new GatehouseError('GH_ERR_NOT_FOUND', `No personal key with id "${id.slice(0, 100)}".`);
    await keys.revoke(id);
    return keyJson((await keys.get(id)) ?? key);
  });
}

/** Any authenticated caller may revoke their own personal key, a personal key itself included. */
function ownRequest(req: FastifyRequest): Principal {
  const principal = requireAuthenticated(req, SIGN_IN_FIRST);
  requireCsrfHeader(req, principal);
  return principal;
}

/** Minting needs a person: a browser session or a bearer JWT. */
function signedIn(req: FastifyRequest): Principal {
  const principal = ownRequest(req);
  if (principal.authMethod !== 'session' && principal.authMethod !== 'jwt') {
    throw new GatehouseError('GH_ERR_POLICY_DENIED', 'Personal keys can only be created by a signed-in user, not with an API key.');
  }
  return principal;
}

function lifetimeOf(value: string | number): number {
  const ms = parseLifetime(value);
  if (ms === undefined) throw new GatehouseError('GH_ERR_BAD_REQUEST', 'Invalid request body: lifetime: expected a duration such as "8h" or a number of seconds.', { param: 'lifetime' });
  return ms;
}

function available(deps: PersonalKeyRoutesDeps): VirtualKeys {
  const keys = deps.keys();
  if (!keys) throw new GatehouseError('GH_ERR_NOT_READY', 'API keys are not available on this gateway.');
  return keys;
}
