/** Rate limits: requests, tokens and concurrent requests per bucket, in memory or shared through Redis. */
export type { Admission, Admitted, BucketStatus, LimitBackend, LimitBucket, LimitKind, LimitTicket, Refused, Unavailable, WindowStatus } from './types.js';
export { WINDOW_MS } from './sliding-window.js';
export { CONCURRENT_RETRY_HINT_MS } from './bucket-report.js';
export { MemoryLimitBackend, type MemoryLimitOptions } from './memory-backend.js';
export { RedisLimitBackend, createLimitsRedis, type RedisClientOptions, type RedisLimitOptions } from './redis-backend.js';
export { ResilientLimitBackend, type LimitsObserver, type OnRedisError, type ResilientLimitOptions, type SharedLimitBackend } from './resilient-backend.js';
export { formatResetDuration, rateLimitHeaders } from './response-headers.js';
export { deploymentBucket, mergeBuckets, policyBuckets } from './buckets.js';
