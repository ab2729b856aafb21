"""The sliding-window limiter as one Lua script: every check is one atomic round trip to Redis.

KEYS: one sorted set per limited key (feature x user, feature x company...); members are request ids,
scores the request time in microseconds of the Redis server clock (``TIME``), so the clocks of the
Odoo servers do not matter. ARGV: ``member, limit_1, window_us_1, limit_2, window_us_2, ...``.

The request is admitted only if EVERY key has room; then it is added to every key. For each key the
script returns the hit count after the check, the milliseconds until its oldest hit leaves the window
(``reset``) and, when that key refuses, the milliseconds until it has room again (``retry``).

Reply: ``{allowed (0|1), count_1, reset_ms_1, retry_ms_1, count_2, ...}``.
"""

SLIDING_WINDOW_LUA = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local member = ARGV[1]
local n = #KEYS
local limits, windows, counts = {}, {}, {}
local allowed = 1
for i = 1, n do
  limits[i] = tonumber(ARGV[2 * i])
  windows[i] = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - windows[i])
  counts[i] = redis.call('ZCARD', KEYS[i])
  if counts[i] >= limits[i] then allowed = 0 end
end
local reply = {allowed}
for i = 1, n do
  local key, window = KEYS[i], windows[i]
  local retry = 0
  if allowed == 1 then
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, math.ceil(window / 1000))
    counts[i] = counts[i] + 1
  elseif counts[i] >= limits[i] then
    local nth = redis.call('ZRANGE', key, counts[i] - limits[i], counts[i] - limits[i], 'WITHSCORES')
    retry = math.max(1, math.ceil((tonumber(nth[2]) + window - now) / 1000))
  end
  local reset = 0
  if counts[i] > 0 then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    reset = math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000))
  end
  reply[#reply + 1] = counts[i]
  reply[#reply + 1] = reset
  reply[#reply + 1] = retry
end
return reply
"""
