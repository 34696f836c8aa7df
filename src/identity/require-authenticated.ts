/** The guard of routes any authenticated caller may use for themselves (`/v1/models`, `/.gatehouse/api/*`). */
import type { FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.js';
import type { Principal } from './principal.js';

/** The caller, or 401 `GH_ERR_AUTH_MISSING` (with `message`, or the code's own) for an anonymous one. */
export function requireAuthenticated(req: FastifyRequest, message?: string): Principal {
  const principal = req.principal;
  if (!principal?.authenticated) throw new GatehouseError('GH_ERR_AUTH_MISSING', message);
  return principal;
}

/** `requireAuthenticated` as an onRequest hook, so an anonymous caller is refused before anything else runs. */
export async function authenticatedOnly(req: FastifyRequest): Promise<void> {
  requireAuthenticated(req, SIGN_IN_FIRST);
}

export const SIGN_IN_FIRST = 'Sign in first.';
