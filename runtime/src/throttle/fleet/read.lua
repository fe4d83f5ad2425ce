
-- Reads the fleet's state for a snapshot, changing nothing.
-- KEYS: members, breaker, then the buckets. ARGV: grace, then each bucket's
-- default limit.
-- Returns: now, alive, missing, breaker until, failures, resets, then per
-- bucket l, u, p, e, cu, g.
local grace = tonumber(ARGV[1])
local alive = redis.call('ZCOUNT', KEYS[1], now, '+inf')
local missing = redis.call('ZCOUNT', KEYS[1], now - grace, '(' .. now)
local br = redis.call('HMGET', KEYS[2], 'until', 'failures', 'resets')
local out = {now, alive, missing, tonumber(br[1]) or 0, tonumber(br[2]) or 0, tonumber(br[3]) or 0}
for i = 3, #KEYS do
  push_state(out, load(KEYS[i], tonumber(ARGV[i - 1])))
end
return out
