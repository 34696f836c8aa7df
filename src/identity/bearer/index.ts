/**
 * Bearer JWT verification for `identity.bearer`: tokens from IdPs and workloads in `Authorization: Bearer`, and
 * signed assertions from an identity-aware proxy in front of Gatehouse in that proxy's own header.
 *
 * On the hot path a token already verified costs one SHA-256 and one map lookup: verified identities are cached by
 * a digest of the token (never the token itself) until the token expires, and never longer than `cacheMaxAgeMs`,
 * so a key the IdP withdraws stops working within that time. Tokens refused for a reason that time cannot fix
 * (bad signature, wrong audience, …) are remembered briefly, so a flood of one bad token costs one verification.
 */
import { hash } from 'node:crypto';
import type { BearerIssuerConfig } from '../../config/identity-schema.js';
import type { TokenVerifier, VerifiedIdentity } from '../authenticate.js';
import { CredentialError, type CredentialFailure } from '../credential-error.js';
import { ExpiringLru } from './expiring-lru.js';
import { verificationFailure } from './failures.js';
import { IssuerTable } from './issuer-table.js';

export interface TokenVerifierOptions {
  /** Tolerated clock skew for `exp` and `nbf`. */
  clockToleranceMs: number;
  /** Longer tokens are refused before any parsing. */
  maxTokenSize: number;
  /** The least time between JWKS refetches caused by an unknown `kid`, and between discovery retries. Default 30 s. */
  jwksCooldownMs?: number;
  /** How many verified tokens are kept. Default 10,000. */
  cacheEntries?: number;
  /** Timeout of a discovery or JWKS request. Default 5 s. */
  fetchTimeoutMs?: number;
  /** The longest a verified token is served from the cache, however late its `exp`. Default 10 minutes. */
  cacheMaxAgeMs?: number;
}

/** Refusals that stay true for the same token, so they may be remembered. */
const LASTING_FAILURES: ReadonlySet<CredentialFailure> = new Set([
  'malformed',
  'algorithm_not_allowed',
  'untrusted_issuer',
  'bad_signature',
  'expired',
  'wrong_audience',
  'missing_claim',
]);
const FAILURE_MEMORY_MS = 5_000;

export function createTokenVerifier(issuers: readonly BearerIssuerConfig[], options: TokenVerifierOptions): TokenVerifier {
  const { clockToleranceMs, maxTokenSize, jwksCooldownMs = 30_000, cacheEntries = 10_000, fetchTimeoutMs = 5_000, cacheMaxAgeMs = 600_000 } = options;
  const table = new IssuerTable(issuers, { clockToleranceMs, cooldownMs: jwksCooldownMs, timeoutMs: fetchTimeoutMs });
  const verified = new ExpiringLru<VerifiedIdentity>(cacheEntries);
  // Its own, smaller cache: a flood of distinct bad tokens must not evict the good ones.
  const refused = new ExpiringLru<CredentialError>(Math.max(1, Math.ceil(cacheEntries / 10)));
  const inFlight = new Map<string, Promise<VerifiedIdentity>>();

  async function verifyAndRemember(token: string, header: string, key: string): Promise<VerifiedIdentity> {
    try {
      const identity = await table.verify(token, header);
      // jose accepts a token until exp + tolerance; the cache serves it no longer than a fresh check would.
      if (identity.expiresAt !== undefined) verified.set(key, identity, Math.min(identity.expiresAt * 1000 + clockToleranceMs, Date.now() + cacheMaxAgeMs));
      return identity;
    } catch (error) {
      const failure = verificationFailure(error);
      if (LASTING_FAILURES.has(failure.reason)) refused.set(key, failure, Date.now() + FAILURE_MEMORY_MS);
      throw failure;
    }
  }

  return {
    proxyHeaders: table.proxyHeaders,
    acceptsAuthorization: table.acceptsAuthorization,
    async verify(token, header) {
      if (token.length > maxTokenSize) throw new CredentialError('too_large', `the token is ${token.length} characters long; the limit is ${maxTokenSize}`);
      const name = header.toLowerCase();
      const key = `${name} ${hash('sha256', token, 'base64url')}`;
      const now = Date.now();
      const identity = verified.get(key, now);
      if (identity) return identity;
      const failure = refused.get(key, now);
      if (failure) throw failure;
      // Concurrent requests with one new token share one verification (and at most one JWKS fetch).
      let pending = inFlight.get(key);
      if (!pending) {
        pending = verifyAndRemember(token, name, key).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
