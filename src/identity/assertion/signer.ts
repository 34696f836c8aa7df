/**
 * Signs the identity assertion (an ES256 JWT) sent to providers with `pass_identity`.
 *
 * Signing costs tens of microseconds and happens on the request path, so a signed assertion is cached per
 * (caller's claims, audience) and reused while more than half its lifetime remains: an upstream always receives a
 * token with at least half its lifetime left, and a busy caller costs one signature per half-lifetime instead of
 * one per request. Consequently `jti` identifies a token, not a request; an upstream that wants replay detection
 * must key on (jti, request), not jti alone. The cache is bounded: past `cacheSize` entries the oldest go first.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Principal } from '../principal.js';
import { assertionCacheKey, assertionIdentity } from './claims.js';
import type { PublishedJwk, SigningKey } from './key-files.js';

export interface AssertionSigner {
  /** The public keys upstreams verify assertions with: the signing key and every published key. */
  jwks(): { keys: PublishedJwk[] };
  /** A signed assertion about `principal`, addressed to `audience` (the upstream host). */
  assertionFor(principal: Principal, audience: string): Promise<string>;
}

export interface SignerSettings {
  key: SigningKey;
  published: readonly PublishedJwk[];
  /** `iss` of every assertion. */
  issuer: string;
  lifetimeMs: number;
  /** Epoch milliseconds; injectable for tests. */
  now: () => number;
  cacheSize: number;
}

interface CachedAssertion {
  token: Promise<string>;
  /** Epoch ms after which fewer than half the token's lifetime remains. */
  reuseUntil: number;
}

export function createAssertionSigner(settings: SignerSettings): AssertionSigner {
  const { key, issuer, now, cacheSize } = settings;
  const lifetimeSeconds = Math.ceil(settings.lifetimeMs / 1000);
  const jwks = { keys: distinctByKid([key.publicJwk, ...settings.published]) };
  const cache = new Map<string, CachedAssertion>();

  async function sign(principal: Principal, audience: string, issuedAt: number): Promise<string> {
    return new SignJWT(assertionIdentity(principal))
      .setProtectedHeader({ alg: 'ES256', kid: key.publicJwk.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + lifetimeSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  return {
    jwks: () => ({ keys: [...jwks.keys] }),
    assertionFor(principal, audience) {
      const cacheKey = assertionCacheKey(principal, audience);
      const nowMs = now();
      const cached = cache.get(cacheKey);
      if (cached !== undefined && nowMs < cached.reuseUntil) return cached.token;
      if (cached !== undefined) cache.delete(cacheKey);

      const issuedAt = Math.floor(nowMs / 1000);
      // The promise is cached, not the token, so concurrent first requests of one caller share one signature.
      const entry: CachedAssertion = { token: sign(principal, audience, issuedAt), reuseUntil: (issuedAt + lifetimeSeconds / 2) * 1000 };
      entry.token.catch(() => {
        if (cache.get(cacheKey) === entry) cache.delete(cacheKey);
      });
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(cacheKey, entry);
      return entry.token;
    },
  };
}

function distinctByKid(keys: readonly PublishedJwk[]): PublishedJwk[] {
  const byKid = new Map<string, PublishedJwk>();
  for (const jwk of keys) if (!byKid.has(jwk.kid)) byKid.set(jwk.kid, jwk);
  return [...byKid.values()];
}
