/**
 * The admin API's guard: an administrator's principal (bootstrap key, or `identity.admins` by group or email), or
 * 401 when there is no credential at all and 403 otherwise. Registered as an onRequest hook, so a refused caller's
 * body is never read.
 */
import type { FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import { requireCsrfHeader } from './csrf.js';

export function requireAdmin(req: FastifyRequest): Principal {
  const principal = req.principal;
  if (!principal?.authenticated) throw new GatehouseError('GH_ERR_AUTH_MISSING', 'The admin API needs an administrator credential.');
  if (!principal.admin) throw new GatehouseError('GH_ERR_POLICY_DENIED', 'Only administrators may use the admin API.', { detail: `not an admin: ${principal.subject}` });
  requireCsrfHeader(req, principal);
  return principal;
}

/** `requireAdmin` as a Fastify hook, for a scope holding only admin routes. */
export async function adminOnly(req: FastifyRequest): Promise<void> {
  requireAdmin(req);
}
