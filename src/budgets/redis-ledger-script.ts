/**
 * The Lua scripts of the Redis budget ledger. Each runs atomically over all of a request's buckets, so two
 * replicas reserving against one budget are serialised by Redis itself.
 *
 * Per bucket and period instance there are two keys: a hash (`spent`, `reserved`, `soft`, and one `r:<id>` field
 * per live reservation holding its amount) and a sorted set of reservation ids scored by their expiry, so expired
 * reservations are found without scanning. Amounts are integer micro-dollars (HINCRBY: exact, no float drift).
 */
import type { Result } from 'ioredis';

/** Releases reservations whose lease ran out, before anything reads `reserved`. */
const RELEASE_EXPIRED = `
local function release_expired(hash, leases, now)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  if #expired == 0 then return end
  for _, id in ipairs(expired) do
    local amount = redis.call('HGET', hash, 'r:' .. id)
    if amount then
      redis.call('HINCRBY', hash, 'reserved', -tonumber(amount))
      redis.call('HDEL', hash, 'r:' .. id)
    end
  end
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
end

local function keep_until(key, expire_at)
  if expire_at > 0 then redis.call('PEXPIREAT', key, expire_at) end
end
`;

/**
 * KEYS: hash, leases for each bucket. ARGV: now, reservation id, estimate, lease end, then limit and key expiry
 * (epoch ms; 0 = never) for each bucket.
 * Returns {1} when reserved everywhere, or {0, bucket index (1-based), spent, reserved} for the first bucket
 * that cannot take the estimate; nothing is written then.
 */
export const RESERVE_SCRIPT = `${RELEASE_EXPIRED}
local now = tonumber(ARGV[1])
local id = ARGV[2]
local estimate = tonumber(ARGV[3])
local lease_end = tonumber(ARGV[4])
local buckets = #KEYS / 2
for i = 1, buckets do
  local hash, leases = KEYS[2 * i - 1], KEYS[2 * i]
  release_expired(hash, leases, now)
  local spent = tonumber(redis.call('HGET', hash, 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', hash, 'reserved') or '0')
  if spent + reserved + estimate > tonumber(ARGV[3 + 2 * i]) then
    return {0, i, spent, reserved}
  end
end
for i = 1, buckets do
  local hash, leases = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HINCRBY', hash, 'reserved', estimate)
  redis.call('HSET', hash, 'r:' .. id, estimate)
  redis.call('ZADD', leases, lease_end, id)
  local expire_at = tonumber(ARGV[4 + 2 * i])
  keep_until(hash, expire_at)
  keep_until(leases, expire_at)
end
return {1}
`;

/**
 * KEYS: hash, leases for each bucket. ARGV: reservation id, actual cost, then soft threshold (-1 = none) and key
 * expiry for each bucket. Returns, per bucket, the spend after settling and 1 when this settlement is the one
 * that first reached the soft threshold in the period (HSETNX makes that true on exactly one replica).
 */
export const SETTLE_SCRIPT = `${RELEASE_EXPIRED}
local id = ARGV[1]
local actual = tonumber(ARGV[2])
local result = {}
for i = 1, #KEYS / 2 do
  local hash, leases = KEYS[2 * i - 1], KEYS[2 * i]
  local amount = redis.call('HGET', hash, 'r:' .. id)
  if amount then
    redis.call('HINCRBY', hash, 'reserved', -tonumber(amount))
    redis.call('HDEL', hash, 'r:' .. id)
    redis.call('ZREM', leases, id)
  end
  local spent = redis.call('HINCRBY', hash, 'spent', actual)
  local threshold = tonumber(ARGV[1 + 2 * i])
  local crossed = 0
  if threshold >= 0 and spent >= threshold and redis.call('HSETNX', hash, 'soft', 1) == 1 then crossed = 1 end
  keep_until(hash, tonumber(ARGV[2 + 2 * i]))
  result[2 * i - 1] = spent
  result[2 * i] = crossed
end
return result
`;

/**
 * KEYS: one hash per bucket. ARGV: spend floor and key expiry for each bucket. Raises `spent` to the floor where
 * it is lower; never lowers it.
 */
export const RESTORE_SCRIPT = `
for i = 1, #KEYS do
  local floor = tonumber(ARGV[2 * i - 1])
  local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
  if floor > spent then redis.call('HSET', KEYS[i], 'spent', floor) end
  local expire_at = tonumber(ARGV[2 * i])
  if expire_at > 0 then redis.call('PEXPIREAT', KEYS[i], expire_at) end
end
return #KEYS
`;

export const RESERVE_COMMAND = 'gatehouseBudgetReserve';
export const SETTLE_COMMAND = 'gatehouseBudgetSettle';
export const RESTORE_COMMAND = 'gatehouseBudgetRestore';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gatehouseBudgetReserve(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number[], Context>;
    gatehouseBudgetSettle(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number[], Context>;
    gatehouseBudgetRestore(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number, Context>;
  }
}
