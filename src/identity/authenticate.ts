/**
 * The authenticate stage: credentials → Principal. In order:
 *
 * 1. a JWT in a header an identity-aware proxy in front of Gatehouse sets (`X-Pomerium-Jwt-Assertion`, …);
 * 2. the API credential (`Authorization: Bearer …` or `x-api-key`): a virtual or personal key (by its prefix), a
 *    JWT from a trusted issuer (by its shape), or a bootstrap key;
 * 3. the browser's session cookie.
 *
 * No credential at all is the anonymous principal (policy decides what it may do); a credential that fails any
 * check is refused outright with the same "invalid credential" whatever the reason, which is kept for the logs.
 */
import { GatehouseError } from '../errors.js';
import type { AdminRule } from './admins.js';
import type { BootstrapKeys } from './bootstrap-keys.js';
import { CredentialError } from './credential-error.js';
import { presentedCredential } from './credentials.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { principalOfSnapshot } from './sessions/identity-snapshot.js';

/** What a verified JWT says about its subject, after claim mapping. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: readonly string[];
  claims: Readonly<Record<string, unknown>>;
  /** Epoch seconds. */
  expiresAt: number | undefined;
}

/** Verifies JWTs from the configured `identity.bearer` issuers. */
export interface TokenVerifier {
  /** Lower-case names of the headers that dedicated issuers (identity-aware proxies) send tokens in. */
  readonly proxyHeaders: readonly string[];
  /** Whether any issuer accepts tokens in `Authorization: Bearer`. */
  readonly acceptsAuthorization: boolean;
  /** Throws CredentialError. `header` is `authorization` or one of `proxyHeaders`. */
  verify(token: string, header: string): Promise<VerifiedIdentity>;
}

/** Verifies virtual and personal API keys held in the store. */
export interface KeyVerifier {
  /** Whether a presented credential has the shape of a Gatehouse key (its prefix). */
  isKey(credential: string): boolean;
  /** Throws CredentialError for unknown, expired or revoked keys. */
  verify(credential: string): Promise<Principal>;
}

/** Resolves browser sessions. */
export interface SessionVerifier {
  readonly cookieName: string;
  /** The session's principal, or undefined when the cookie names no live session. */
  verify(cookieValue: string): Promise<Principal | undefined>;
}

export interface AuthenticationInput {
  headers: Record<string, string | string[] | undefined>;
  cookies: Record<string, string | undefined> | undefined;
}

export interface Authenticator {
  authenticate(input: AuthenticationInput): Promise<Principal>;
}

/** After the credential is verified: refuses blocked people and places the principal in its team. */
export interface PrincipalResolver {
  resolvePrincipal(principal: Principal): Promise<Principal>;
}

export interface AuthenticatorParts {
  bootstrapKeys: BootstrapKeys;
  admins: AdminRule;
  tokens?: TokenVerifier;
  keys?: KeyVerifier;
  sessions?: SessionVerifier;
  directory?: PrincipalResolver;
}

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function createAuthenticator(parts: AuthenticatorParts): Authenticator {
  const { bootstrapKeys, admins, tokens, keys, sessions, directory } = parts;

  const fromToken = async (token: string, header: string): Promise<Principal> => principalOfIdentity(await tokens!.verify(token, header), admins);

  async function byCredential(credential: string): Promise<Principal> {
    if (keys?.isKey(credential)) return keys.verify(credential);
    if (tokens?.acceptsAuthorization && JWT_SHAPE.test(credential)) return fromToken(credential, 'authorization');
    const principal = bootstrapKeys.match(credential);
    if (!principal) throw new CredentialError('no_such_key', 'the credential matches no key');
    return principal;
  }

  async function credentialPrincipal({ headers, cookies }: AuthenticationInput): Promise<Principal> {
    try {
      if (tokens) {
        for (const header of tokens.proxyHeaders) {
          const value = headers[header];
          if (typeof value === 'string' && value.length > 0) return await fromToken(value, header);
        }
      }
      const credential = presentedCredential(headers);
      if (credential !== undefined) return await byCredential(credential);
      const cookie = sessions && cookies?.[sessions.cookieName];
      if (cookie) return (await sessions.verify(cookie)) ?? ANONYMOUS;
      return ANONYMOUS;
    } catch (error) {
      if (error instanceof CredentialError) throw error.toClientError();
      if (error instanceof GatehouseError) throw error;
      throw new GatehouseError('GH_ERR_AUTH_INVALID', undefined, { detail: `credential check failed: ${(error as Error).message}` });
    }
  }

  return {
    async authenticate(input) {
      const principal = await credentialPrincipal(input);
      return directory && principal.authenticated ? directory.resolvePrincipal(principal) : principal;
    },
  };
}

/** A verified JWT's identity as a principal: the same shape a signed-in session has, authenticated by `jwt`. */
export function principalOfIdentity(identity: VerifiedIdentity, admins: AdminRule): Principal {
  return principalOfSnapshot(identity, admins, 'jwt');
}
