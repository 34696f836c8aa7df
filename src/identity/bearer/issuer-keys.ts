/**
 * One issuer's signing keys: a remote JWKS, created once, from `jwks_url` or from the issuer's discovery document.
 * jose caches the set and refetches it on an unknown `kid` at most once per cooldown, so a flood of tokens with
 * made-up key ids costs the IdP one request per cooldown. Discovery runs lazily on the first token, is kept once
 * it succeeds, and after a failure is tried again no sooner than one cooldown later.
 */
import { createRemoteJWKSet, type FlattenedJWSInput, type JWSHeaderParameters, type JWTVerifyGetKey } from 'jose';
import { CredentialError } from '../credential-error.js';
import { discoverJwksUrl } from './discovery.js';
import { keyFailure } from './failures.js';

export interface KeyFetchOptions {
  /** The least time between two JWKS fetches caused by an unknown `kid`, and between two discovery attempts. */
  cooldownMs: number;
  timeoutMs: number;
}

type RemoteKeys = ReturnType<typeof createRemoteJWKSet>;

export class IssuerKeys {
  private remote: RemoteKeys | undefined;
  private discovering: Promise<RemoteKeys> | undefined;
  private discoveryFailedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly issuer: string,
    jwksUrl: string | undefined,
    private readonly options: KeyFetchOptions,
  ) {
    if (jwksUrl !== undefined) this.remote = this.remoteSet(new URL(jwksUrl));
  }

  /** The key for a token, as jose's `jwtVerify` asks for it. Throws CredentialError. */
  readonly resolve: JWTVerifyGetKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const remote = this.remote ?? (await this.discover());
    try {
      return await remote(header, token);
    } catch (error) {
      throw keyFailure(error);
    }
  };

  private remoteSet(url: URL): RemoteKeys {
    return createRemoteJWKSet(url, { cooldownDuration: this.options.cooldownMs, timeoutDuration: this.options.timeoutMs });
  }

  private discover(): Promise<RemoteKeys> {
    if (this.discovering) return this.discovering;
    const retryAt = this.discoveryFailedAt + this.options.cooldownMs;
    if (Date.now() < retryAt) {
      return Promise.reject(new CredentialError('jwks_unavailable', `discovery for ${this.issuer} failed recently; retried after ${new Date(retryAt).toISOString()}`));
    }
    this.discovering = discoverJwksUrl(this.issuer, this.options.timeoutMs)
      .then((url) => (this.remote = this.remoteSet(url)))
      .catch((error: unknown) => {
        this.discoveryFailedAt = Date.now();
        throw error;
      })
      .finally(() => (this.discovering = undefined));
    return this.discovering;
  }
}
