/**
 * The signed identity assertion sent upstream: providers with `pass_identity: true` receive
 * `X-Gatehouse-Jwt-Assertion`, an ES256 JWT about the caller, verifiable with the JWKS this module serves.
 */
import type { IdentityConfig } from '../../config/identity-schema.js';
import { loadPublishedKey, loadSigningKey } from './key-files.js';
import { createAssertionSigner, type AssertionSigner } from './signer.js';

export { ASSERTION_HEADER } from './header.js';
export { JWKS_PATH, registerAssertionRoutes } from './jwks-route.js';
export type { PublishedJwk } from './key-files.js';
export type { AssertionSigner } from './signer.js';

export interface AssertionSignerOptions {
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
  /** How many signed assertions are kept for reuse (default 10,000). */
  cacheSize?: number;
}

/**
 * Loads (or creates) the signing key and the published keys. `issuer` is `server.public_url`, or the gateway's own
 * URL when that is unset; a trailing slash is dropped so `iss` is the same however the URL was written.
 */
export async function loadAssertionSigner(config: IdentityConfig['assertion'], issuer: string, options: AssertionSignerOptions = {}): Promise<AssertionSigner> {
  if (config.lifetime < 1000) throw new Error(`identity.assertion.lifetime: must be at least 1s, got ${config.lifetime} ms`);
  const key = await loadSigningKey(config.signing_key_file);
  const published = await Promise.all(config.publish_key_files.map((file) => loadPublishedKey(file)));
  return createAssertionSigner({
    key,
    published,
    issuer: issuer.replace(/\/+$/, ''),
    lifetimeMs: config.lifetime,
    now: options.now ?? Date.now,
    cacheSize: options.cacheSize ?? 10_000,
  });
}
