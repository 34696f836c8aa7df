/**
 * One configured `identity.bearer` issuer: which header its tokens arrive in, which algorithms it may sign with,
 * which audiences it may address, and how its claims map onto an identity. Verification is jose's `jwtVerify`
 * against the issuer's JWKS, with `exp` required.
 */
import { jwtVerify } from 'jose';
import type { BearerIssuerConfig } from '../../config/identity-schema.js';
import type { VerifiedIdentity } from '../authenticate.js';
import { CredentialError } from '../credential-error.js';
import { identityOf, type ClaimPaths } from './claim-mapping.js';
import type { IssuerKeys } from './issuer-keys.js';
import { quoted, verificationFailure } from './failures.js';

/**
 * The only algorithms a bearer token may be signed with: asymmetric signatures. `none` would accept anything, and
 * an HS* algorithm would let anyone holding the issuer's public key (everyone) sign tokens. The config schema
 * refuses them already; this list is checked again so no path around the schema can enable them.
 */
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

export const AUTHORIZATION_HEADER = 'authorization';

function checkedAlgorithms(config: BearerIssuerConfig): readonly string[] {
  const algorithms = [...new Set<string>(config.algorithms)];
  if (algorithms.length === 0) throw new Error(`identity.bearer issuer ${config.issuer}: list at least one algorithm`);
  for (const algorithm of algorithms) {
    if (!ASYMMETRIC_ALGORITHMS.has(algorithm)) {
      throw new Error(`identity.bearer issuer ${config.issuer}: algorithm "${algorithm}" is never accepted; use an asymmetric one (${[...ASYMMETRIC_ALGORITHMS].join(', ')})`);
    }
  }
  return algorithms;
}

export class TrustedIssuer {
  readonly issuer: string;
  /** Lower-case name of the header this issuer's tokens arrive in. */
  readonly header: string;
  readonly algorithms: readonly string[];
  private readonly audiences: string[];
  private readonly paths: ClaimPaths;
  private readonly clockToleranceSeconds: number;

  constructor(
    config: BearerIssuerConfig,
    private readonly keys: IssuerKeys,
    clockToleranceMs: number,
  ) {
    this.issuer = config.issuer;
    this.header = (config.header ?? AUTHORIZATION_HEADER).toLowerCase();
    this.algorithms = checkedAlgorithms(config);
    this.audiences = [...config.audiences];
    this.paths = { subject: config.subject_claim, email: config.email_claim, name: config.name_claim, groups: config.groups_claim };
    this.clockToleranceSeconds = clockToleranceMs / 1000;
  }

  /** Verifies a token whose unverified header names `alg`. Throws CredentialError. */
  async verify(token: string, alg: unknown): Promise<VerifiedIdentity> {
    // Checked before jose is involved, so the allow-list holds whatever jose's defaults are.
    if (typeof alg !== 'string' || !this.algorithms.includes(alg)) {
      throw new CredentialError('algorithm_not_allowed', `algorithm ${quoted(alg)} is not allowed for ${this.issuer}`);
    }
    try {
      const { payload } = await jwtVerify(token, this.keys.resolve, {
        issuer: this.issuer,
        audience: this.audiences,
        algorithms: [...this.algorithms],
        clockTolerance: this.clockToleranceSeconds,
        requiredClaims: ['exp'],
      });
      return identityOf(this.issuer, payload, this.paths);
    } catch (error) {
      throw verificationFailure(error);
    }
  }
}
