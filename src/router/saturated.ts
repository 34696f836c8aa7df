/**
 * A deployment at its own configured `rpm`/`tpm`: not a failure (the deployment is healthy, it is just full), so
 * it neither cools the deployment down nor uses up one of the request's retries. The dispatch moves on to another
 * deployment at once, and when every eligible one is full, the client gets 429 with the soonest time one frees up.
 */
import { GatehouseError } from '../errors.js';

export class DeploymentSaturated extends Error {
  constructor(
    /** When this deployment would admit the request, if nothing else arrived meanwhile. */
    readonly retryAfterMs: number,
    /** Rate-limit headers of the refusal, passed on when every deployment is saturated. */
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super('deployment at its configured rate limit');
    this.name = 'DeploymentSaturated';
  }
}

export function saturatedError(soonest: DeploymentSaturated, groups: readonly string[]): GatehouseError {
  const detail = `every eligible deployment is at its rpm/tpm (${groups.join(', ')})`;
  if (!Number.isFinite(soonest.retryAfterMs)) {
    // The request alone is larger than every deployment's tokens per minute: waiting will not help.
    return new GatehouseError('GH_ERR_RATE_LIMITED', `This request needs more tokens per minute than any deployment of the model "${groups[0]}" allows; lower max_tokens or shorten the prompt.`, {
      headers: { ...soonest.headers, 'x-should-retry': 'false' },
      detail,
    });
  }
  return new GatehouseError('GH_ERR_RATE_LIMITED', `Every deployment of the model "${groups[0]}" is at its configured rate limit; try again later.`, {
    retryAfterSeconds: soonest.retryAfterMs / 1000,
    headers: soonest.headers,
    detail,
  });
}
