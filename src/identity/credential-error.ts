/**
 * Why a presented credential was refused. The reason goes to logs and the audit record; the client only ever
 * hears "invalid credential" (GH_ERR_AUTH_INVALID), so a prober learns nothing about which check failed.
 */
import { GatehouseError } from '../errors.js';

export type CredentialFailure =
  | 'malformed'
  | 'too_large'
  | 'algorithm_not_allowed'
  | 'untrusted_issuer'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'missing_claim'
  | 'jwks_unavailable'
  | 'no_such_key'
  | 'revoked'
  | 'session_invalid';

export class CredentialError extends Error {
  constructor(
    readonly reason: CredentialFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CredentialError';
  }

  /** The client-facing error: the same for every reason. */
  toClientError(): GatehouseError {
    return new GatehouseError('GH_ERR_AUTH_INVALID', undefined, { detail: `${this.reason}: ${this.message}` });
  }
}
