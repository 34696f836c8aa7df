/**
 * The one interface both rate-limit backends implement, and what it answers. A request's buckets are checked and
 * taken together: either every bucket admits it and all of them count it, or none does.
 */

/** One bucket a request counts in, with the limits that apply to it for this request. */
export interface LimitBucket {
  /** Which counters: `user:alice`, `claim/department:legal`, `deployment:gpt-4o/openai/gpt-4o`, `global`. */
  readonly key: string;
  /** Requests per sliding minute. */
  readonly rpm?: number | undefined;
  /** Tokens per sliding minute, admitted on the estimate and settled on the real usage. */
  readonly tpm?: number | undefined;
  /** Requests in flight at once. */
  readonly concurrent?: number | undefined;
}

export type LimitKind = 'requests' | 'tokens' | 'concurrent';

/** A per-minute limit as the `x-ratelimit-*` headers show it. */
export interface WindowStatus {
  readonly limit: number;
  /** Whole units still available now (never negative). */
  readonly remaining: number;
  /** Milliseconds until the bucket would be back to its full limit with no further traffic. */
  readonly resetMs: number;
}

export interface BucketStatus {
  readonly key: string;
  readonly requests: WindowStatus | undefined;
  readonly tokens: WindowStatus | undefined;
  readonly concurrent: { readonly limit: number; readonly inFlight: number } | undefined;
}

/** Proof of admission; hand it back to `settle` exactly once, when the request is over (however it ended). */
export interface LimitTicket {
  readonly buckets: readonly LimitBucket[];
  /** The tokens admitted on the estimate. */
  readonly estimatedTokens: number;
}

export interface Admitted {
  readonly kind: 'admitted';
  readonly ticket: LimitTicket;
  /** Every bucket after this request was counted, for the response's rate-limit headers. */
  readonly status: readonly BucketStatus[];
}

export interface Refused {
  readonly kind: 'refused';
  /** The bucket that binds: the one whose limit frees up last. */
  readonly bucket: string;
  readonly limit: LimitKind;
  /**
   * When a retry would be admitted if nothing else arrived meanwhile. For `concurrent`, a hint: a slot frees when
   * some request in flight ends, which cannot be known.
   */
  readonly retryAfterMs: number;
  /** The request alone is larger than the limit (more tokens than `tpm`): no retry will ever be admitted. */
  readonly exceedsLimit: boolean;
  /** Every bucket as it stands (nothing was taken). */
  readonly status: readonly BucketStatus[];
}

/** The shared backend could not be asked (Redis unreachable) and `on_redis_error` is `closed`: answer 503. */
export interface Unavailable {
  readonly kind: 'unavailable';
  readonly reason: string;
}

export type Admission = Admitted | Refused | Unavailable;

export interface LimitBackend {
  /**
   * Checks every bucket and, only when all admit, counts one request, `estimate.tokens` tokens and one concurrent
   * slot in each bucket that has such a limit. Buckets with the same key must be merged first (`mergeBuckets`).
   */
  admit(buckets: readonly LimitBucket[], estimate: { readonly tokens: number }): Promise<Admission>;
  /**
   * Ends an admitted request: charges the difference between the real and the estimated tokens (a refund when
   * negative) and frees its concurrent slots. Call it once for every admitted request, on success, failure or
   * client disconnect (with the tokens actually generated, 0 when the upstream was never called).
   */
  settle(ticket: LimitTicket, actual: { readonly tokens: number }): Promise<void>;
  close(): Promise<void>;
}

/** Counters of one bucket over the current and the previous fixed minute, and its slots in flight. */
export interface BucketCounts {
  reqPrev: number;
  reqCurr: number;
  tokPrev: number;
  tokCurr: number;
  inFlight: number;
}
