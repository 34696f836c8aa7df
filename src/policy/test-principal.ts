/**
 * A Principal described in JSON, for `gatehouse policy test` and the explain API: what a JWT would have said.
 * `{"email":"alice@example.com","groups":["ml-senior"],"department":"legal"}` is an authenticated JWT principal
 * whose claims are its top-level fields plus those under `claims`; `"authenticated": false` makes it anonymous.
 */
import { type AuthMethod, type Principal } from '../identity/principal.js';

const AUTH_METHODS: readonly AuthMethod[] = ['none', 'bootstrap_key', 'virtual_key', 'personal_key', 'jwt', 'session'];

/** Throws an Error naming the field at fault. */
export function principalFromJson(json: Readonly<Record<string, unknown>>): Principal {
  const authenticated = json.authenticated !== false;
  const { claims: nested, authenticated: _flag, ...topLevel } = json;
  if (nested !== undefined && (typeof nested !== 'object' || nested === null || Array.isArray(nested))) throw new Error('principal.claims must be an object');
  const email = text(json, 'email');
  const method = text(json, 'auth_method');
  if (method !== undefined && !(AUTH_METHODS as readonly string[]).includes(method)) throw new Error(`principal.auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  return {
    authenticated,
    authMethod: (method as AuthMethod | undefined) ?? (authenticated ? 'jwt' : 'none'),
    subject: text(json, 'sub') ?? text(json, 'subject') ?? email ?? (authenticated ? 'policy-test' : 'anonymous'),
    email,
    name: text(json, 'name'),
    groups: stringList(json, 'groups'),
    claims: { ...topLevel, ...(nested as Record<string, unknown> | undefined) },
    keyId: text(json, 'api_key') ?? text(json, 'key_id'),
    team: text(json, 'team'),
    allowedModels: undefined,
    admin: json.admin === true,
  };
}

function text(json: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`principal.${key} must be a string`);
  return value;
}

function stringList(json: Readonly<Record<string, unknown>>, key: string): readonly string[] {
  const value = json[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`principal.${key} must be a list of strings`);
  return value as string[];
}
