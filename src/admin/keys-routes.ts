/**
 * Admin API for virtual keys:
 *   POST   /admin/api/keys              create; the only response that ever contains the key
 *   GET    /admin/api/keys              list (?owner_user=…, ?include_revoked=true)
 *   GET    /admin/api/keys/:id          one key
 *   PATCH  /admin/api/keys/:id          change name, allowed models, limits, budgets (never owner or secret)
 *   POST   /admin/api/keys/:id/revoke   revoke (also DELETE /admin/api/keys/:id)
 * A change to a key's limits or budgets is forgotten from this replica's directory cache at once; other replicas
 * see it within the directory's cache time.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Directory } from '../directory/directory.js';
import { GatehouseError } from '../errors.js';
import { parseLifetime, type VirtualKeys } from '../identity/keys/index.js';
import { createKeyBody, keyPathParams, patchKeyBody } from './key-input.js';
import { keyJson } from './key-json.js';
import { parseInput } from './parse-input.js';
import { adminOnly, requireAdmin } from './require-admin.js';

export interface KeyRoutesDeps {
  keys: () => VirtualKeys | undefined;
  /** The process's directory, whose cached key limits a change must clear; none when no request path reads them. */
  directory?: Directory;
}

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const listQuery = z.object({ owner_user: z.string().min(1).optional(), include_revoked: flag.optional() });

export function registerKeyRoutes(app: FastifyInstance, deps: KeyRoutesDeps): void {
  // The guard runs as each route's onRequest hook, before the body is read; handlers take the principal it checked.
  const guarded = { onRequest: adminOnly };
  app.post('/admin/api/keys', guarded, async (req, reply) => {
    const principal = requireAdmin(req);
    const body = parseInput(createKeyBody, req.body, 'request body');
    const created = await available(deps).create({
      name: body.name,
      ownerUser: body.owner_user,
      ownerTeam: body.owner_team,
      allowedModels: body.allowed_models,
      expiresAt: expiryOf(body.expires_at, body.expires_in),
      metadata: body.metadata,
      limits: body.limits,
      budgets: body.budgets,
      createdBy: principal.subject,
    });
    // The key is in this body and nowhere else: no cache may keep it.
    return reply.code(201).header('cache-control', 'no-store').send({ key: created.key, ...keyJson(created.record) });
  });

  app.get('/admin/api/keys', guarded, async (req) => {
    requireAdmin(req);
    const query = parseInput(listQuery, req.query, 'query');
    const keys = await available(deps).list({ ownerUser: query.owner_user, includeRevoked: query.include_revoked ?? false });
    return { object: 'list', data: keys.map(keyJson) };
  });

  app.get('/admin/api/keys/:id', guarded, async (req) => {
    requireAdmin(req);
    const { id } = parseInput(keyPathParams, req.params, 'path');
    const key = await available(deps).get(id);
    if (!key) throw noSuchKey(id);
    return keyJson(key);
  });

  app.patch('/admin/api/keys/:id', guarded, async (req) => {
    requireAdmin(req);
    const { id } = parseInput(keyPathParams, req.params, 'path');
    const body = parseInput(patchKeyBody, req.body, 'request body');
    const key = await available(deps).update(id, { name: body.name, allowedModels: body.allowed_models, limits: body.limits, budgets: body.budgets });
    if (!key) throw noSuchKey(id);
    deps.directory?.forgetKey(id);
    return keyJson(key);
  });

  app.post('/admin/api/keys/:id/revoke', guarded, (req, reply) => revoke(deps, req, reply));
  app.delete('/admin/api/keys/:id', guarded, (req, reply) => revoke(deps, req, reply));
}

async function revoke(deps: KeyRoutesDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  requireAdmin(req);
  const { id } = parseInput(keyPathParams, req.params, 'path');
  const keys = available(deps);
  if (!(await keys.revoke(id))) throw noSuchKey(id);
  const key = await keys.get(id);
  if (!key) throw noSuchKey(id);
  return reply.send(keyJson(key));
}

function available(deps: KeyRoutesDeps): VirtualKeys {
  const keys = deps.keys();
  if (!keys) throw new GatehouseError('GH_ERR_NOT_READY', 'API keys are not available on this gateway.');
  return keys;
}

function expiryOf(expiresAt: string | undefined, expiresIn: string | number | undefined): Date | undefined {
  if (expiresAt !== undefined) return new Date(expiresAt);
  if (expiresIn === undefined) return undefined;
  const ms = parseLifetime(expiresIn);
  if (ms === undefined) throw new GatehouseError('GH_ERR_BAD_REQUEST', 'Invalid request body: expires_in: expected a duration such as "30d", "12h" or a number of seconds.', { param: 'expires_in' });
  return new Date(Date.now() + ms);
}

function noSuchKey(id: string): GatehouseError {
  return new GatehouseError('GH_ERR_NOT_FOUND', `No key with id "${id.slice(0, 100)}".`);
}
