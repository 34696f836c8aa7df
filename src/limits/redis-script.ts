/**
 * The two Lua scripts of the Redis backend. Each runs atomically on the server, so a request's buckets are checked
 * and taken, or settled, in one round trip with no other request in between. The arithmetic is the one of
 * sliding-window.ts, written in the same order so both backends round alike.
 *
 * KEYS, for each bucket i: KEYS[2i-1] its window hash (fields w, rp, rc, tp, tc), KEYS[2i] its sorted set of
 * concurrent slots (member: ticket id, score: the slot's expiry).
 *
 * Time: ARGV[1] is the caller's clock in ms, or empty to use the Redis server's TIME, so that replicas whose
 * clocks disagree still agree on which minute it is.
 */
import type { Result } from 'ioredis';

const CLOCK_AND_STATE = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local W = tonumber(ARGV[2])
local win = math.floor(now / W)
local elapsed = now - win * W

local function load(key)
  local h = redis.call('HMGET', key, 'w', 'rp', 'rc', 'tp', 'tc')
  local w = tonumber(h[1]) or win
  local rp, rc, tp, tc = tonumber(h[2]) or 0, tonumber(h[3]) or 0, tonumber(h[4]) or 0, tonumber(h[5]) or 0
  if w ~= win then
    if w == win - 1 then rp, tp = rc, tc else rp, tp = 0, 0 end
    rc, tc = 0, 0
  end
  return rp, rc, tp, tc
end

local function store(key, rp, rc, tp, tc)
  redis.call('HSET', key, 'w', win, 'rp', rp, 'rc', rc, 'tp', tp, 'tc', tc)
  redis.call('PEXPIRE', key, 2 * W)
end
`;

/**
 * ARGV: now, window ms, slot lease ms, ticket id, estimated tokens, then for each bucket rpm, tpm, concurrent
 * (-1 when the bucket has no such limit). Returns {admitted, window, elapsed, then for each bucket the counters
 * rp, rc, tp, tc, inFlight}: after taking when admitted, untouched when refused.
 */
export const ADMIT_SCRIPT = `${CLOCK_AND_STATE}
local lease = tonumber(ARGV[3])
local id = ARGV[4]
local tokens = tonumber(ARGV[5])
local n = #KEYS / 2
local counts = {}
local admitted = 1
for i = 1, n do
  local rpm, tpm, conc = tonumber(ARGV[3 * i + 3]), tonumber(ARGV[3 * i + 4]), tonumber(ARGV[3 * i + 5])
  local rp, rc, tp, tc = load(KEYS[2 * i - 1])
  local inflight = 0
  if conc >= 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[2 * i], '-inf', now)
    inflight = redis.call('ZCARD', KEYS[2 * i])
  end
  counts[i] = {rp, rc, tp, tc, inflight}
  if rpm >= 0 and rp * (W - elapsed) / W + rc + 1 > rpm then admitted = 0 end
  if tpm >= 0 and tp * (W - elapsed) / W + tc + tokens > tpm then admitted = 0 end
  if conc >= 0 and inflight >= conc then admitted = 0 end
end
local reply = {admitted, win, elapsed}
for i = 1, n do
  local c = counts[i]
  if admitted == 1 then
    local rpm, tpm, conc = tonumber(ARGV[3 * i + 3]), tonumber(ARGV[3 * i + 4]), tonumber(ARGV[3 * i + 5])
    if rpm >= 0 then c[2] = c[2] + 1 end
    if tpm >= 0 then c[4] = c[4] + tokens end
    if rpm >= 0 or tpm >= 0 then store(KEYS[2 * i - 1], c[1], c[2], c[3], c[4]) end
    if conc >= 0 then
      redis.call('ZADD', KEYS[2 * i], now + lease, id)
      redis.call('PEXPIRE', KEYS[2 * i], lease)
      c[5] = c[5] + 1
    end
  end
  for j = 1, 5 do reply[#reply + 1] = c[j] end
end
return reply
`;

/**
 * ARGV: now, window ms, ticket id, the window the request was admitted in, tokens to charge (negative: refund),
 * then for each bucket two flags, "1" when it has a tpm, "1" when it has a concurrent limit. The difference goes
 * to the minute of admission while the sliding window still sees it, else (a charge only) to the current one.
 */
export const SETTLE_SCRIPT = `${CLOCK_AND_STATE}
local id = ARGV[3]
local admittedIn = tonumber(ARGV[4])
local delta = tonumber(ARGV[5])
for i = 1, #KEYS / 2 do
  if ARGV[2 * i + 4] == '1' and delta ~= 0 then
    local rp, rc, tp, tc = load(KEYS[2 * i - 1])
    if admittedIn == win then tc = math.max(0, tc + delta)
    elseif admittedIn == win - 1 then tp = math.max(0, tp + delta)
    elseif delta > 0 then tc = tc + delta end
    store(KEYS[2 * i - 1], rp, rc, tp, tc)
  end
  if ARGV[2 * i + 5] == '1' then redis.call('ZREM', KEYS[2 * i], id) end
end
return 1
`;

export const ADMIT_COMMAND = 'gatehouseLimitAdmit';
export const SETTLE_COMMAND = 'gatehouseLimitSettle';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gatehouseLimitAdmit(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number[], Context>;
    gatehouseLimitSettle(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number, Context>;
  }
}
