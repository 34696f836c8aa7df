/**
 * jose's errors, as the closed set of reasons a credential is refused for. The reason and message go to logs and
 * the audit record; jose's messages name the failed check, never the token.
 */
import { errors } from 'jose';
import { CredentialError, type CredentialFailure } from '../credential-error.js';

/** A value the token claims, for a log line: attacker-controlled, so quoted and cut short. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function claimFailure(error: errors.JWTClaimValidationFailed): CredentialFailure {
  if (error.reason === 'missing') return 'missing_claim';
  switch (error.claim) {
    case 'nbf':
      return 'not_yet_valid';
    case 'aud':
      return 'wrong_audience';
    case 'iss':
      return 'untrusted_issuer';
    default:
      return 'malformed';
  }
}

function reasonOf(error: unknown): CredentialFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'jwks_unavailable';
  return 'malformed';
}

/** A failure of `jwtVerify`, or of anything it called, as a CredentialError. */
export function verificationFailure(error: unknown): CredentialError {
  if (error instanceof CredentialError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CredentialError(reasonOf(error), message, { cause: error });
}

/**
 * A failure to find the verification key. No matching key, or a published key that cannot be used for this
 * token, is an unknown key; anything else (network, HTTP status, timeout, a body that is no JWKS) means the keys
 * could not be had at all.
 */
export function keyFailure(error: unknown): CredentialError {
  if (error instanceof CredentialError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const unknownKey =
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JWKInvalid ||
    error instanceof errors.JOSENotSupported;
  if (unknownKey) return new CredentialError('unknown_key', message, { cause: error });
  return new CredentialError('jwks_unavailable', `the issuer's keys could not be fetched: ${message}`, { cause: error });
}
