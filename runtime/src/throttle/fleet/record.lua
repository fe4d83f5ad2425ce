
-- Learns from a call's answer (or its absence), in every bucket it counted in.
-- KEYS: breaker, then the buckets.
-- ARGV: channel, answered, silent, abandoned, breaker threshold, ban, margin,
-- breaker ttl, probe end, status, limit (0: none), remaining (-1: none),
-- earliest end after sent ('': no reset), latest end after now, reopens after
-- now (429), then per bucket: generation, probe, described, sent at, default
-- limit.
-- Returns: tripped, breaker until, failures, now, then per bucket l, u, p, e, cu, g.
local answered, silent, abandoned = ARGV[2] == '1', ARGV[3] == '1', ARGV[4] == '1'
local margin, probe_end = tonumber(ARGV[7]), tonumber(ARGV[9])
local status, limit, remaining = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local wake = false
local out = {0, 0, 0, now}

-- `throttle/server_time.rs`'s refine_end, on bounds the client computed.
local function refine(local_end, sent, described)
  if not described or ARGV[13] == '' then return local_end end
  local latest = now + tonumber(ARGV[14])
  if local_end < sent + tonumber(ARGV[13]) then return latest end
  return math.min(local_end, latest)
end

for i = 2, #KEYS do
  local base = 16 + (i - 2) * 5
  local gen, probe = tonumber(ARGV[base]), ARGV[base + 1] == '1'
  local described, sent = ARGV[base + 2] == '1', tonumber(ARGV[base + 3])
  local b = load(KEYS[i], tonumber(ARGV[base + 4]))
  local changed = false
  if abandoned then
    if probe and gen == b.g and b.p == 1 then
      b.p = 0; b.nb = now; b.u = 0; wake = true; changed = true
    end
  else
    local st = status
    if not described and st == 429 then st = 200 end
    if described and limit > 0 and limit ~= b.l then
      if limit > b.l then wake = true end
      b.l = limit; changed = true
    end
    if described and st == 429 then
      local reopen = now + tonumber(ARGV[15])
      b.cu = math.max(b.cu, reopen); b.p = 0; b.nb = reopen; b.g = b.g + 1; changed = true
    end
    local current = gen == b.g
    if probe and current and b.p == 1 then
      if answered then
        b.p = 2; b.u = 1; b.e = refine(now + probe_end, sent, described)
      else
        b.p = 0; b.nb = now; b.u = 0
      end
      wake = true; changed = true
    end
    if current and answered and b.p == 2 then
      if described and limit > 0 and remaining >= 0 then
        b.u = math.max(b.u, limit - remaining)
      end
      local e = refine(b.e, sent, described)
      if e < b.e then wake = true end
      b.e = e; changed = true
    end
  end
  if changed then save(KEYS[i], b, margin) end
  push_state(out, b)
end

if not abandoned then
  local br = redis.call('HMGET', KEYS[1], 'n', 'until', 'failures')
  local n, br_until, failures = tonumber(br[1]) or 0, tonumber(br[2]) or 0, tonumber(br[3]) or 0
  if answered and n ~= 0 then
    redis.call('HSET', KEYS[1], 'n', 0)
  elseif not answered and silent then
    n = n + 1
    redis.call('HSET', KEYS[1], 'n', n)
    if n >= tonumber(ARGV[5]) and br_until <= now then
      br_until = now + tonumber(ARGV[6]); failures = n
      redis.call('HSET', KEYS[1], 'until', br_until, 'failures', n)
      out[1] = 1; wake = true
    end
  end
  redis.call('PEXPIRE', KEYS[1], math.max(br_until - now, tonumber(ARGV[8])) + margin)
  if br_until > now then out[2] = br_until; out[3] = failures end
end
if wake then redis.call('PUBLISH', ARGV[1], '1') end
return out
