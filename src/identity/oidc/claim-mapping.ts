/**
 * From the IdP's claims to an identity: email, name and groups are read at the configured claim paths (dotted,
 * e.g. `realm_access.roles`); groups may be one string or a list. Protocol claims that say nothing about the
 * person (nonce, hashes, timestamps) are left out of the claims policy sees.
 */
import type { OidcConfig } from '../../config/schema.js';
import type { IdentitySnapshot } from '../sessions/identity-snapshot.js';

const PROTOCOL_CLAIMS = new Set(['nonce', 'at_hash', 'c_hash', 's_hash', 'exp', 'iat', 'nbf', 'auth_time', 'sid', 'jti', 'azp', 'aud']);

/** The value at a dotted path: a top-level claim whose name contains dots wins over a nested path. */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function identityFromClaims(claims: Readonly<Record<string, unknown>>, config: Pick<OidcConfig, 'email_claim' | 'name_claim' | 'groups_claim'>): IdentitySnapshot {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') throw new Error('the IdP sent no subject');
  const email = claimAt(claims, config.email_claim);
  const name = claimAt(claims, config.name_claim);
  const groups = claimAt(claims, config.groups_claim);
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claims)) if (!PROTOCOL_CLAIMS.has(key)) kept[key] = value;
  return {
    subject,
    email: typeof email === 'string' ? email : undefined,
    name: typeof name === 'string' ? name : undefined,
    groups: Object.freeze(typeof groups === 'string' ? [groups] : Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : []),
    claims: Object.freeze(kept),
  };
}
