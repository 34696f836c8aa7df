/**
 * GET /.well-known/gatehouse/jwks.json: the public keys upstreams verify the identity assertion with. No
 * authentication (it holds public keys only), and cacheable for five minutes: publish a new key at least that long
 * before signing with it.
 */
import type { FastifyInstance } from 'fastify';
import { GatehouseError } from '../../errors.js';
import type { AssertionSigner } from './signer.js';

export const JWKS_PATH = '/.well-known/gatehouse/jwks.json';

/** `signer` returns undefined while the keys are still loading at start-up; the route answers 503 meanwhile. */
export function registerAssertionRoutes(app: FastifyInstance, signer: () => AssertionSigner | undefined): void {
  app.get(JWKS_PATH, async (_req, reply) => {
    const current = signer();
    if (current === undefined) throw new GatehouseError('GH_ERR_NOT_READY', 'The gateway is not ready: its assertion keys are still loading.');
    reply.header('cache-control', 'public, max-age=300');
    return current.jwks();
  });
}
