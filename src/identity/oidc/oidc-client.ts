/**
 * The relying party: Gatehouse signing people in at the configured OpenID provider with openid-client 6.
 * Discovery runs at start and, while the IdP cannot be reached, again in the background with a growing delay;
 * until it succeeds `configuration()` is undefined and sign-in answers 503. Every sign-in uses the
 * authorization code flow with PKCE (S256), `state` and `nonce`; openid-client checks the ID token (issuer,
 * audience, signature, expiry, nonce) before any claim is read.
 */
import * as client from 'openid-client';
import type { OidcConfig } from '../../config/schema.js';
import type { RefreshedIdentity } from '../sessions/browser-sessions.js';
import type { IdentitySnapshot } from '../sessions/identity-snapshot.js';
import { identityFromClaims } from './claim-mapping.js';

/** The secrets of one sign-in, kept server-side until its callback. */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignInResult {
  identity: IdentitySnapshot;
  idToken: string | undefined;
  refreshToken: string | undefined;
  /** Epoch ms. */
  idTokenExpiresAt: number | undefined;
}

export interface OidcClientOptions {
  logger?: { info(object: object, message: string): void; warn(object: object, message: string): void };
  /** First retry delay after a failed discovery (default 1 s, doubling to 30 s). */
  retryMs?: number;
}

/** An http:// issuer is accepted only on a loopback address; anything reachable over a network must use TLS. */
export function allowsInsecure(issuer: string): boolean {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'http:' && (hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname));
}

export class OidcClient {
  private current: client.Configuration | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private discovering: Promise<void> | undefined;

  constructor(
    readonly config: OidcConfig,
    private readonly options: OidcClientOptions = {},
  ) {}

  /** Starts discovery; resolves when the first attempt ends, whatever its outcome (later ones run in the background). */
  start(): Promise<void> {
    return (this.discovering ??= this.discover(this.options.retryMs ?? 1_000));
  }

  configuration(): client.Configuration | undefined {
    return this.current;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  /** The authorization URL to send the browser to, and the checks its callback must pass. */
  async beginSignIn(redirectUri: string): Promise<{ url: URL; checks: SignInChecks }> {
    const configuration = this.require();
    const checks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: this.scopes(configuration).join(' '),
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /** Redeems the callback's code; throws unless state, nonce, PKCE and the ID token all check out. */
  async finishSignIn(callbackUrl: URL, checks: SignInChecks): Promise<SignInResult> {
    const configuration = this.require();
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    return this.resultOf(configuration, tokens, undefined);
  }

  /** Redeems a refresh token; the new claims must be for the same subject. */
  async refresh(refreshToken: string, subject: string): Promise<RefreshedIdentity> {
    const configuration = this.require();
    const tokens = await client.refreshTokenGrant(configuration, refreshToken);
    return this.resultOf(configuration, tokens, subject);
  }

  /** Where to send the browser after a local sign-out, when the IdP has an end_session_endpoint. */
  endSessionUrl(idToken: string | undefined, postLogoutRedirectUri: string): URL | undefined {
    const configuration = this.current;
    if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(configuration, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken && { id_token_hint: idToken }) });
  }

  private async resultOf(configuration: client.Configuration, tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers, subject: string | undefined): Promise<SignInResult> {
    const idClaims = tokens.claims();
    const expectedSubject = subject ?? idClaims?.sub;
    if (expectedSubject === undefined) throw new Error('the IdP returned no ID token');
    if (idClaims && idClaims.sub !== expectedSubject) throw new Error('the refreshed ID token is for another subject');
    const userinfo = configuration.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(configuration, tokens.access_token, expectedSubject) : {};
    // The signed ID token wins over userinfo where both say something.
    const identity = identityFromClaims({ ...userinfo, ...idClaims, sub: expectedSubject }, this.config);
    return {
      identity,
      idToken: tokens.id_token,
      refreshToken: tokens.refresh_token,
      idTokenExpiresAt: idClaims ? idClaims.exp * 1000 : undefined,
    };
  }

  private scopes(configuration: client.Configuration): string[] {
    const scopes = new Set(['openid', ...this.config.scopes]);
    const supported = configuration.serverMetadata().scopes_supported;
    if (this.config.refresh && (supported === undefined || supported.includes('offline_access'))) scopes.add('offline_access');
    return [...scopes];
  }

  private require(): client.Configuration {
    if (!this.current) throw new OidcUnavailableError();
    return this.current;
  }

  private async discover(delayMs: number): Promise<void> {
    const { issuer, client_id, client_secret } = this.config;
    // openid-client refuses plain http; it is allowed for a loopback issuer (tests, the demo) and nothing else.
    const insecure = allowsInsecure(issuer);
    try {
      this.current = await client.discovery(new URL(issuer), client_id, client_secret, undefined, {
        ...(insecure && { execute: [client.allowInsecureRequests] }),
        timeout: 10,
      });
      this.options.logger?.info({ issuer }, 'OIDC provider discovered');
    } catch (error) {
      if (this.closed) return;
      this.options.logger?.warn({ issuer, retryInMs: delayMs, err: { message: (error as Error).message } }, 'OIDC discovery failed; sign-in is unavailable until it succeeds');
      this.retryTimer = setTimeout(() => void this.discover(Math.min(delayMs * 2, 30_000)), delayMs);
      this.retryTimer.unref();
    }
  }
}

/** Sign-in was attempted before the IdP could be discovered. */
export class OidcUnavailableError extends Error {
  constructor() {
    super('the OpenID provider has not been discovered yet');
    this.name = 'OidcUnavailableError';
  }
}
