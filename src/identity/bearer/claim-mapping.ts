/**
 * Claim mapping: where an issuer keeps the subject, email, name and groups in its tokens. A configured path is
 * first looked up as one claim name, because many IdPs use URL-named claims (`https://example.com/groups`,
 * `cognito:groups`); failing that, it is followed through nested objects at its dots (`realm_access.roles`).
 */
import type { VerifiedIdentity } from '../authenticate.js';
import { CredentialError } from '../credential-error.js';

export interface ClaimPaths {
  subject: string;
  email: string;
  name: string;
  groups: string;
}

type Claims = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Claims {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value at `path` in `claims`, or undefined. Own properties only, so `__proto__` or `constructor` never reach
 * the prototype. A path whose segments themselves contain dots resolves too: each split point is tried in turn.
 */
export function claimAt(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
    const head = path.slice(0, dot);
    const inner = Object.hasOwn(claims, head) ? claims[head] : undefined;
    if (!isObject(inner)) continue;
    const found = claimAt(inner, path.slice(dot + 1));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Groups as a list of non-empty strings. A string claim is one group: splitting on spaces or commas would turn a
 * group named "ML Team" into two groups, which is worse than requiring a list for several.
 */
export function groupsOf(value: unknown): readonly string[] {
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is string => typeof entry === 'string' && entry.length > 0);
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The identity a verified payload describes. Frozen: one cached identity is shared by many requests. */
export function identityOf(issuer: string, payload: Record<string, unknown>, paths: ClaimPaths): VerifiedIdentity {
  const subject = stringClaim(claimAt(payload, paths.subject));
  if (subject === undefined) throw new CredentialError('missing_claim', `the token has no subject in claim "${paths.subject}"`);
  return Object.freeze({
    issuer,
    subject,
    email: stringClaim(claimAt(payload, paths.email)),
    name: stringClaim(claimAt(payload, paths.name)),
    groups: Object.freeze([...groupsOf(claimAt(payload, paths.groups))]),
    claims: deepFreeze(payload),
    expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined,
  });
}
