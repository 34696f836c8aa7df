/**
 * What a check of a request's buckets means, computed from their counters: the status each bucket shows in the
 * rate-limit headers, and, for a refusal, which bucket and limit bind and when a retry would pass. Shared by the
 * memory backend (which holds the counters) and the Redis backend (whose script returns them).
 */
import { admits, remaining, resetMs, retryAfterMs } from './sliding-window.js';
import type { BucketCounts, BucketStatus, LimitBucket, LimitKind, Refused } from './types.js';

/** A refusal for `concurrent` cannot say when a slot frees; SDKs retry after this instead of at once. */
export const CONCURRENT_RETRY_HINT_MS = 1_000;

export function bucketStatus(bucket: LimitBucket, counts: BucketCounts, elapsed: number): BucketStatus {
  const { rpm, tpm, concurrent } = bucket;
  return {
    key: bucket.key,
    requests: rpm === undefined ? undefined : { limit: rpm, remaining: remaining(counts.reqPrev, counts.reqCurr, elapsed, rpm), resetMs: resetMs(counts.reqPrev, counts.reqCurr, elapsed) },
    tokens: tpm === undefined ? undefined : { limit: tpm, remaining: remaining(counts.tokPrev, counts.tokCurr, elapsed, tpm), resetMs: resetMs(counts.tokPrev, counts.tokCurr, elapsed) },
    concurrent: concurrent === undefined ? undefined : { limit: concurrent, inFlight: counts.inFlight },
  };
}

/** Whether every bucket admits one more request of `tokens` tokens. */
export function allAdmit(buckets: readonly LimitBucket[], counts: readonly BucketCounts[], elapsed: number, tokens: number): boolean {
  for (let i = 0; i < buckets.length; i += 1) {
    if (!bucketAdmits(buckets[i]!, counts[i]!, elapsed, tokens)) return false;
  }
  return true;
}

function bucketAdmits(bucket: LimitBucket, counts: BucketCounts, elapsed: number, tokens: number): boolean {
  if (bucket.rpm !== undefined && !admits(counts.reqPrev, counts.reqCurr, elapsed, 1, bucket.rpm)) return false;
  if (bucket.tpm !== undefined && !admits(counts.tokPrev, counts.tokCurr, elapsed, tokens, bucket.tpm)) return false;
  return bucket.concurrent === undefined || counts.inFlight < bucket.concurrent;
}

interface Binding {
  bucket: string;
  limit: LimitKind;
  retryAfterMs: number;
}

/** The refusal for counters that do not admit the request: the binding limit is the one that frees up last. */
export function refusal(buckets: readonly LimitBucket[], counts: readonly BucketCounts[], elapsed: number, tokens: number): Refused {
  let worst: Binding | undefined;
  for (let i = 0; i < buckets.length; i += 1) {
    for (const candidate of bindings(buckets[i]!, counts[i]!, elapsed, tokens)) {
      if (worst === undefined || candidate.retryAfterMs > worst.retryAfterMs) worst = candidate;
    }
  }
  // Unreachable when the counters refuse; kept total so a caller bug shows as a short, honest refusal.
  worst ??= { bucket: buckets[0]?.key ?? 'global', limit: 'requests', retryAfterMs: CONCURRENT_RETRY_HINT_MS };
  const exceedsLimit = worst.retryAfterMs === Number.POSITIVE_INFINITY;
  return {
    kind: 'refused',
    bucket: worst.bucket,
    limit: worst.limit,
    retryAfterMs: exceedsLimit ? 0 : worst.retryAfterMs,
    exceedsLimit,
    status: buckets.map((bucket, i) => bucketStatus(bucket, counts[i]!, elapsed)),
  };
}

function bindings(bucket: LimitBucket, counts: BucketCounts, elapsed: number, tokens: number): Binding[] {
  const found: Binding[] = [];
  const { key, rpm, tpm, concurrent } = bucket;
  if (rpm !== undefined && !admits(counts.reqPrev, counts.reqCurr, elapsed, 1, rpm)) {
    found.push({ bucket: key, limit: 'requests', retryAfterMs: retryAfterMs(counts.reqPrev, counts.reqCurr, elapsed, 1, rpm) });
  }
  if (tpm !== undefined && !admits(counts.tokPrev, counts.tokCurr, elapsed, tokens, tpm)) {
    found.push({ bucket: key, limit: 'tokens', retryAfterMs: retryAfterMs(counts.tokPrev, counts.tokCurr, elapsed, tokens, tpm) });
  }
  if (concurrent !== undefined && counts.inFlight >= concurrent) {
    found.push({ bucket: key, limit: 'concurrent', retryAfterMs: CONCURRENT_RETRY_HINT_MS });
  }
  return found;
}
