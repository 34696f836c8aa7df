/**
 * What the identity assertion says about the caller: `sub`, `email`, `name` when known, and `groups`; the signer
 * adds `iss`, `aud`, `iat`, `exp` and `jti`. Nothing else, on purpose:
 *
 * - no raw IdP claims: they can hold personal data the upstream has no need for, IdP internals (`sid`, `nonce`,
 *   `at_hash`, tenant ids) that would tie the upstream to the caller's sign-in session, and any amount of data,
 *   while request headers have size limits. An upstream that needs more should get it from the IdP itself;
 * - no key ids, teams or auth method: they describe Gatehouse's credentials, not the person, and would tell every
 *   upstream (possibly a third party) how the gateway's keys are organised;
 * - no admin flag: authority inside Gatehouse means nothing to an upstream and must not be mistaken for authority there.
 *
 * The cache key below covers every input of these claims, so a cached assertion always says exactly what a fresh
 * one would.
 */
import type { JWTPayload } from 'jose';
import type { Principal } from '../principal.js';

export interface AssertionIdentity extends JWTPayload {
  sub: string;
  email?: string;
  name?: string;
  groups: string[];
}

export function assertionIdentity(principal: Principal): AssertionIdentity {
  const identity: AssertionIdentity = { sub: principal.subject, groups: [...principal.groups] };
  if (principal.email !== undefined) identity.email = principal.email;
  if (principal.name !== undefined) identity.name = principal.name;
  return identity;
}

/** A string that differs whenever the claims (or the audience) would. JSON keeps the parts unambiguous. */
export function assertionCacheKey(principal: Principal, audience: string): string {
  return JSON.stringify([audience, principal.subject, principal.email ?? null, principal.name ?? null, principal.groups]);
}
