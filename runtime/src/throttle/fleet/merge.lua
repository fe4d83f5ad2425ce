
-- A process that ran on its local share is back: its calls still in open
-- windows are added to the fleet's counts, its closures and breaker trip
-- carried over, its lease renewed.
-- KEYS: epoch, hold, members, breaker, then the buckets.
-- ARGV: member, lease, grace, known epoch, hold, epoch ttl, margin, channel,
-- breaker until after now ('': not tripped), failures, breaker ttl, then per
-- bucket: default limit, used, window end after now (0: none), reopens after
-- now (0: not closed).
-- Returns: now, epoch, alive, missing, then per bucket l, u, p, e, cu, g.
local margin = tonumber(ARGV[7])
local epoch = check_epoch(KEYS[1], KEYS[2], ARGV[1], ARGV[4], '1', tonumber(ARGV[5]),
  tonumber(ARGV[6]), margin)
local alive, missing = membership(KEYS[3], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
local out = {now, epoch, alive, missing}
for i = 5, #KEYS do
  local base = 12 + (i - 5) * 4
  local b = load(KEYS[i], tonumber(ARGV[base]))
  local used, ends, closed = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  if used > 0 and ends > 0 then
    local e = now + ends
    if b.p == 2 and b.e > now then
      b.u = b.u + used; b.e = math.max(b.e, e)
    else
      -- A probe out counts too; its answer will find a newer generation.
      local probing = 0
      if b.p == 1 and b.pu > now then probing = 1 end
      b.g = b.g + 1; b.p = 2; b.u = used + probing; b.e = math.max(b.e, e)
    end
  end
  if closed > 0 then
    b.cu = math.max(b.cu, now + closed)
    if b.p == 0 then b.nb = math.max(b.nb, now + closed) end
  end
  save(KEYS[i], b, margin)
  push_state(out, b)
end
if ARGV[9] ~= '' then
  local br_until = now + tonumber(ARGV[9])
  local current = tonumber(redis.call('HGET', KEYS[4], 'until')) or 0
  if br_until > current then
    redis.call('HSET', KEYS[4], 'until', br_until, 'failures', ARGV[10])
    redis.call('PEXPIRE', KEYS[4], math.max(br_until - now, tonumber(ARGV[11])) + margin)
  end
end
redis.call('PUBLISH', ARGV[8], '1')
return out
