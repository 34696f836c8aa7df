/** The guard of the `/.gatehouse/api/*` routes a person calls for themselves: any authenticated caller. */
import type { FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../identity/principal.js';

export function requireAuthenticated(req: FastifyRequest): Principal {
  const principal = req.principal;
  if (!principal?.authenticated) throw new GatehouseError('GH_ERR_AUTH_MISSING', 'Sign in first.');
  return principal;
}

/** `requireAuthenticated` as an onRequest hook, so an anonymous caller is refused before anything else runs. */
export async function authenticatedOnly(req: FastifyRequest): Promise<void> {
  requireAuthenticated(req);
}
