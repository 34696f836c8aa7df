/**
 * Who is calling. Every request is turned into a Principal by the authenticate stage; policy reasons about it and
 * the audit record keeps it. Anonymous is a principal too.
 */

export type AuthMethod = 'none' | 'bootstrap_key' | 'virtual_key' | 'personal_key' | 'jwt' | 'session';

export interface Principal {
  authenticated: boolean;
  authMethod: AuthMethod;
  /** Stable identifier: the JWT `sub`, the key owner, or `key:<id>` for a key with no owner. */
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: readonly string[];
  /** All identity claims, for `claim/<path>` policy criteria. */
  claims: Readonly<Record<string, unknown>>;
  /** The API key used, by its public id (never the secret). */
  keyId: string | undefined;
  team: string | undefined;
  /** A key restricted to some model groups; undefined means no restriction from the credential itself. */
  allowedModels: readonly string[] | undefined;
  admin: boolean;
}

export const ANONYMOUS: Principal = Object.freeze({
  authenticated: false,
  authMethod: 'none',
  subject: 'anonymous',
  email: undefined,
  name: undefined,
  groups: Object.freeze([]),
  claims: Object.freeze({}),
  keyId: undefined,
  team: undefined,
  allowedModels: undefined,
  admin: false,
});
