/**
 * From what policy binds to a request to the buckets a backend counts: one bucket per key, with the strictest of
 * every limit bound to that key. Two rules limiting `per: user` must not count the request twice in one counter.
 */
import type { Principal } from '../identity/principal.js';
import { bucketOf, type BoundLimit } from '../policy/obligations.js';
import type { Deployment } from '../router/types.js';
import type { LimitBucket } from './types.js';

/** Merges buckets with the same key, keeping the lowest of each limit; the order of first appearance is kept. */
export function mergeBuckets(buckets: readonly LimitBucket[]): LimitBucket[] {
  const byKey = new Map<string, LimitBucket>();
  for (const bucket of buckets) {
    const seen = byKey.get(bucket.key);
    byKey.set(bucket.key, seen === undefined ? bucket : {
      key: bucket.key,
      rpm: lowest(seen.rpm, bucket.rpm),
      tpm: lowest(seen.tpm, bucket.tpm),
      concurrent: lowest(seen.concurrent, bucket.concurrent),
    });
  }
  return [...byKey.values()];
}

/**
 * The buckets of the limits policy bound to this request. A limit on a dimension the principal has no value for
 * (a per-team limit, no team) does not apply: lumping everyone without a team into one shared bucket would let
 * unrelated callers exhaust each other's limit.
 */
export function policyBuckets(limits: readonly BoundLimit[], principal: Principal, model: string | undefined): LimitBucket[] {
  const buckets: LimitBucket[] = [];
  for (const limit of limits) {
    const key = bucketOf(limit.per, principal, model);
    if (key !== undefined) buckets.push({ key, rpm: limit.rpm, tpm: limit.tpm, concurrent: limit.concurrent });
  }
  return mergeBuckets(buckets);
}

/** A deployment's own `rpm`/`tpm` from the config, as a bucket; undefined when it has neither. */
export function deploymentBucket(deployment: Deployment): LimitBucket | undefined {
  if (deployment.rpm === undefined && deployment.tpm === undefined) return undefined;
  return { key: `deployment:${deployment.group}/${deployment.id}`, rpm: deployment.rpm, tpm: deployment.tpm };
}

function lowest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}
