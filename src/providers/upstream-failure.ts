/**
 * A failed attempt at one deployment, classified so the router can decide whether to retry, back off or cool the
 * deployment down. Never shown to a client as is: the router turns the last failure into a GatehouseError.
 */

export type FailureKind =
  /** Could not connect (refused, DNS, TLS, reset before the response). */
  | 'connect'
  /** No response headers within the first-byte timeout. */
  | 'first_byte_timeout'
  /** The whole-request timeout fired. */
  | 'timeout'
  /** The upstream answered with a status that is worth retrying elsewhere: 429 or 5xx. */
  | 'status';

export class UpstreamFailure extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  /** From the upstream's `retry-after` / `retry-after-ms` headers. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: FailureKind, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UpstreamFailure';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Parse `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = first(headers['retry-after']);
  if (after === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(after.trim())) return Math.round(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
