/**
 * What a sign-in established about a person, kept with their session (and with a CLI login code) and turned
 * into a Principal on every request.
 */
import type { AdminRule } from '../admins.js';
import type { AuthMethod, Principal } from '../principal.js';

export interface IdentitySnapshot {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: readonly string[];
  claims: Readonly<Record<string, unknown>>;
}

export function principalOfSnapshot(identity: IdentitySnapshot, admins: AdminRule, authMethod: AuthMethod = 'session'): Principal {
  return {
    authenticated: true,
    authMethod,
    subject: identity.subject,
    email: identity.email,
    name: identity.name,
    groups: identity.groups,
    claims: identity.claims,
    keyId: undefined,
    team: undefined,
    allowedModels: undefined,
    admin: admins.isAdmin(identity),
  };
}

export function serializeSnapshot(identity: IdentitySnapshot): string {
  return JSON.stringify({ subject: identity.subject, email: identity.email ?? null, name: identity.name ?? null, groups: identity.groups, claims: identity.claims });
}

/** Parses what serializeSnapshot wrote; throws on anything else (the row was not written by Gatehouse). */
export function parseSnapshot(json: string): IdentitySnapshot {
  const value = JSON.parse(json) as { subject?: unknown; email?: unknown; name?: unknown; groups?: unknown; claims?: unknown };
  if (typeof value.subject !== 'string' || !Array.isArray(value.groups) || typeof value.claims !== 'object' || value.claims === null) {
    throw new Error('malformed identity snapshot');
  }
  return {
    subject: value.subject,
    email: typeof value.email === 'string' ? value.email : undefined,
    name: typeof value.name === 'string' ? value.name : undefined,
    groups: Object.freeze(value.groups.filter((group): group is string => typeof group === 'string')),
    claims: Object.freeze(value.claims as Record<string, unknown>),
  };
}
