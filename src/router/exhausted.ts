/**
 * The error a client gets when the router has run out of attempts: a stable code chosen from the last failure,
 * a message with nothing internal in it, and (for logs only) a summary of every attempt.
 */
import { GatehouseError } from '../errors.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import type { Deployment } from './types.js';

/** A failure that counts against a deployment: an `UpstreamFailure`, or the provider refusing our credentials. */
export type DeploymentFailure = UpstreamFailure | GatehouseError;

export interface FailedAttempt {
  readonly deployment: Deployment;
  readonly failure: DeploymentFailure;
}

/** A short, bounded label for a failure: for logs, the attempt summary and the observer's retry reason. */
export function failureLabel(failure: DeploymentFailure): string {
  if (failure instanceof GatehouseError) return failure.code === 'GH_ERR_UPSTREAM_AUTH' ? 'upstream_auth' : failure.code;
  if (failure.kind === 'status') return failure.status === undefined ? 'status' : `status ${failure.status}`;
  return failure.kind;
}

export function summarizeAttempts(attempts: readonly FailedAttempt[]): string {
  return attempts.map(({ deployment, failure }) => `${deployment.group}/${deployment.id}: ${failureLabel(failure)}`).join('; ');
}

export function exhaustedError(attempts: readonly FailedAttempt[]): GatehouseError {
  const last = attempts[attempts.length - 1];
  if (last === undefined) throw new Error('exhaustedError needs at least one failed attempt');
  const detail = `all attempts failed: ${summarizeAttempts(attempts)}`;
  const { failure } = last;
  if (failure instanceof GatehouseError) return new GatehouseError(failure.code, failure.message, { detail: joinDetail(detail, failure.detail), cause: failure });
  if (failure.status === 429) {
    return new GatehouseError('GH_ERR_UPSTREAM_RATE_LIMITED', undefined, { detail, cause: failure, retryAfterSeconds: toSeconds(failure.retryAfterMs) });
  }
  switch (failure.kind) {
    case 'first_byte_timeout':
    case 'timeout':
      return new GatehouseError('GH_ERR_UPSTREAM_TIMEOUT', undefined, { detail, cause: failure });
    case 'connect':
      return new GatehouseError('GH_ERR_UPSTREAM_UNAVAILABLE', undefined, { detail, cause: failure });
    case 'status':
      return new GatehouseError('GH_ERR_UPSTREAM_ERROR', undefined, { detail, cause: failure });
  }
}

/** Every eligible deployment is cooling down: tell the client when the first one comes back. */
export function coolingDownError(retryAfterMs: number, groups: readonly string[]): GatehouseError {
  return new GatehouseError('GH_ERR_UPSTREAM_UNAVAILABLE', undefined, {
    retryAfterSeconds: toSeconds(retryAfterMs),
    detail: `every eligible deployment is cooling down (${groups.join(', ')})`,
  });
}

export function noEligibleDeploymentError(groups: readonly string[]): GatehouseError {
  return new GatehouseError('GH_ERR_ENDPOINT_UNSUPPORTED', undefined, { detail: `no eligible deployment in ${groups.join(', ')}` });
}

export function isDeploymentFailure(error: unknown): error is DeploymentFailure {
  return error instanceof UpstreamFailure || (error instanceof GatehouseError && error.code === 'GH_ERR_UPSTREAM_AUTH');
}

function toSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}

function joinDetail(summary: string, original: string | undefined): string {
  return original === undefined ? summary : `${summary} (${original})`;
}
