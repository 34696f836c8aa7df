/**
 * The configured issuers, looked up by the header a token arrived in and the `iss` it claims. The token is decoded
 * without trusting it only to pick the issuer; everything it says is then verified against that issuer alone. An
 * issuer's tokens are accepted only in its own header: a workload token replayed in a proxy's assertion header,
 * or a proxy assertion sent as `Authorization: Bearer`, is refused.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { BearerIssuerConfig } from '../../config/identity-schema.js';
import type { VerifiedIdentity } from '../authenticate.js';
import { CredentialError } from '../credential-error.js';
import { quoted } from './failures.js';
import { IssuerKeys, type KeyFetchOptions } from './issuer-keys.js';
import { AUTHORIZATION_HEADER, TrustedIssuer } from './trusted-issuer.js';

interface Unverified {
  alg: unknown;
  iss: unknown;
}

function decodeUnverified(token: string): Unverified {
  try {
    return { alg: decodeProtectedHeader(token).alg, iss: decodeJwt(token).iss };
  } catch (error) {
    throw new CredentialError('malformed', `not a signed JWT: ${(error as Error).message}`, { cause: error });
  }
}

export class IssuerTable {
  readonly proxyHeaders: readonly string[];
  readonly acceptsAuthorization: boolean;
  /** header → iss → issuers (several entries may share an issuer, e.g. with different audiences). */
  private readonly byHeader = new Map<string, Map<string, TrustedIssuer[]>>();

  constructor(configs: readonly BearerIssuerConfig[], options: KeyFetchOptions & { clockToleranceMs: number }) {
    // Entries naming the same JWKS share one key set, so the IdP is asked once whatever the entry count.
    const keySets = new Map<string, IssuerKeys>();
    for (const config of configs) {
      const source = config.jwks_url ?? `discovery:${config.issuer}`;
      let keys = keySets.get(source);
      if (!keys) keySets.set(source, (keys = new IssuerKeys(config.issuer, config.jwks_url, options)));
      this.add(new TrustedIssuer(config, keys, options.clockToleranceMs));
    }
    this.proxyHeaders = [...this.byHeader.keys()].filter((header) => header !== AUTHORIZATION_HEADER);
    this.acceptsAuthorization = this.byHeader.has(AUTHORIZATION_HEADER);
  }

  private add(issuer: TrustedIssuer): void {
    let byIssuer = this.byHeader.get(issuer.header);
    if (!byIssuer) this.byHeader.set(issuer.header, (byIssuer = new Map()));
    byIssuer.set(issuer.issuer, [...(byIssuer.get(issuer.issuer) ?? []), issuer]);
  }

  /** Verifies a token that arrived in `header` (lower case). Throws CredentialError. */
  async verify(token: string, header: string): Promise<VerifiedIdentity> {
    const { alg, iss } = decodeUnverified(token);
    if (typeof iss !== 'string') throw new CredentialError('missing_claim', 'the token names no issuer (iss)');
    const candidates = this.byHeader.get(header)?.get(iss);
    if (!candidates) throw new CredentialError('untrusted_issuer', `issuer ${quoted(iss)} is not trusted in header ${header}`);
    let firstFailure: unknown;
    for (const issuer of candidates) {
      try {
        return await issuer.verify(token, alg);
      } catch (error) {
        firstFailure ??= error;
      }
    }
    throw firstFailure;
  }
}
