
-- Looks at a call's buckets and, when every one has room and ARGV[1] is 1,
-- counts the call in all of them at once.
-- KEYS: epoch, hold, members, breaker, then the buckets.
-- ARGV: take, member, lease, grace, share, probe ttl, margin, known epoch,
-- knows, hold, epoch ttl, fair-share time, then each bucket's default limit.
-- Returns: status (0 ready, 1 wait, 2 breaker tripped), wake-at (0: none
-- known, wait for a message), now, epoch, alive, missing, failures (2) or the
-- bucket freeing last (1), breaker resets, look-again-at (a probe's deadline:
-- its answer, published, frees the bucket far sooner; 0 if none), then per
-- bucket l, u, p, e, cu, g, probe.
local take = ARGV[1] == '1'
local member = ARGV[2]
local lease, grace = tonumber(ARGV[3]), tonumber(ARGV[4])
local share, probe_ttl, margin = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local minute = probe_ttl - margin
local fair_for = tonumber(ARGV[12])
local epoch = check_epoch(KEYS[1], KEYS[2], member, ARGV[8], ARGV[9], tonumber(ARGV[10]),
  tonumber(ARGV[11]), margin)
local alive, missing = membership(KEYS[3], member, lease, grace)
local br = redis.call('HMGET', KEYS[4], 'until', 'failures', 'resets')
local out = {0, 0, now, epoch, alive, missing, 0, tonumber(br[3]) or 0, 0}
local br_until = tonumber(br[1]) or 0
if br_until > now then
  out[1] = 2; out[2] = br_until; out[7] = tonumber(br[2]) or 0
  return out
end

-- A probe out is no firm wake: its answer (a message on the channel) frees
-- the bucket within a round trip; its deadline only bounds the wait, for a
-- probe whose process died. Taken as a wake, it made callers with a short
-- deadline give up for a whole window (issue 21).
local wake, latest, latest_bucket, ready = 0, 0, 0, true
local hold = tonumber(redis.call('GET', KEYS[2])) or 0
if hold > now then ready = false; wake = hold end
local buckets = {}
for i = 5, #KEYS do
  local b = load(KEYS[i], tonumber(ARGV[i + 8]))
  buckets[i] = b
  -- The shares of members that may be on their own leave that much less.
  local room = b.l - missing * share_of(b.l, share)
  local at, probe_out = 0, false
  if b.cu > now then at = b.cu
  elseif b.p == 0 then if b.nb > now then at = b.nb end
  elseif b.p == 1 then probe_out = b.pu > now
  elseif b.e > now and b.u >= room then at = b.e
  else
    -- Looking without taking is a call waiting its turn too: the same shares.
    local held, until_ = held_for_others(KEYS[i], b, room, member, KEYS[3], minute, fair_for)
    if b.u + 1 + held > room then at = until_ end
  end
  if at == 0 and room < 1 then
    -- Nothing left: until the first missing member lapses for good.
    local first = redis.call('ZRANGEBYSCORE', KEYS[3], now - grace, '(' .. now,
      'WITHSCORES', 'LIMIT', 0, 1)
    at = math.max((tonumber(first[2]) or now) + grace, now + 1)
  end
  if at > 0 or probe_out then waited(KEYS[i], b, member, minute) end
  if at > 0 then
    ready = false
    if at >= wake then wake = at; out[7] = i - 4 end
  elseif probe_out then
    ready = false
    if b.pu > latest then latest = b.pu; latest_bucket = i - 4 end
  end
end

if not ready then
  out[1] = 1; out[2] = wake; out[9] = latest
  if wake == 0 then out[7] = latest_bucket end
end
for i = 5, #KEYS do
  local b = buckets[i]
  local probe = 0
  if ready and take then
    if b.p == 0 or (b.p == 1 and b.pu <= now) or (b.p == 2 and b.e <= now) then
      -- Opens the window: nothing else goes until this probe's answer.
      probe = 1; b.g = b.g + 1; b.p = 1; b.u = 1; b.pu = now + probe_ttl
    else
      b.u = b.u + 1
    end
    save(KEYS[i], b, margin)
    counted(KEYS[i], b, member)
  end
  push_state(out, b); table.insert(out, probe)
end
return out
