/**
 * OpenAI's rate-limit headers, so SDKs and clients that read them behave as against OpenAI:
 * `x-ratelimit-limit-requests: 60`, `x-ratelimit-remaining-requests: 59`, `x-ratelimit-reset-requests: 1s`, and
 * the `-tokens` variants, with durations written as Go prints them (`6m0s`, `1.5s`, `20ms`). On a refusal,
 * `retry-after` (whole seconds, rounded up) and `retry-after-ms`, which the OpenAI SDKs prefer.
 */
import type { Admission, BucketStatus, WindowStatus } from './types.js';

/** A duration in Go's `time.Duration` notation at millisecond precision: `0s`, `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole === 0) return '0s';
  if (whole < 1_000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const millis = whole % 60_000;
  const seconds = millis % 1_000 === 0 ? `${millis / 1_000}` : (millis / 1_000).toFixed(3).replace(/0+$/, '');
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/**
 * The headers for an admission or refusal. With several buckets, each of requests and tokens shows the bucket
 * with the fewest remaining, the one a client will hit first. Nothing for `unavailable` or when no bucket has a
 * per-minute limit.
 */
export function rateLimitHeaders(admission: Admission): Record<string, string> {
  const headers: Record<string, string> = {};
  if (admission.kind === 'unavailable') return headers;
  addWindow(headers, 'requests', tightest(admission.status, (status) => status.requests));
  addWindow(headers, 'tokens', tightest(admission.status, (status) => status.tokens));
  if (admission.kind === 'refused' && !admission.exceedsLimit) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(admission.retryAfterMs / 1_000)));
    headers['retry-after-ms'] = String(Math.max(0, Math.ceil(admission.retryAfterMs)));
  }
  return headers;
}

function tightest(statuses: readonly BucketStatus[], pick: (status: BucketStatus) => WindowStatus | undefined): WindowStatus | undefined {
  let found: WindowStatus | undefined;
  for (const status of statuses) {
    const window = pick(status);
    if (window !== undefined && (found === undefined || window.remaining < found.remaining)) found = window;
  }
  return found;
}

function addWindow(headers: Record<string, string>, unit: 'requests' | 'tokens', window: WindowStatus | undefined): void {
  if (window === undefined) return;
  headers[`x-ratelimit-limit-${unit}`] = String(window.limit);
  headers[`x-ratelimit-remaining-${unit}`] = String(window.remaining);
  headers[`x-ratelimit-reset-${unit}`] = formatResetDuration(window.resetMs);
}
