-- Shared by every script of the fleet's throttle (`throttle/fleet/`). Times
-- are Redis's clock in milliseconds, so machines with different clocks agree.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- A bucket (the hash of `throttle/window.rs`'s window): limit l, generation g,
-- phase p (0 idle, 1 probe out, 2 open), used u, window end e, not-before nb
-- (idle), probe deadline pu (a probe whose process died must not block the
-- bucket forever), closed-until cu (a 429).
local function load(key, default_limit)
  local h = redis.call('HMGET', key, 'l', 'g', 'p', 'u', 'e', 'nb', 'pu', 'cu')
  return {
    l = tonumber(h[1]) or default_limit, g = tonumber(h[2]) or 0,
    p = tonumber(h[3]) or 0, u = tonumber(h[4]) or 0, e = tonumber(h[5]) or 0,
    nb = tonumber(h[6]) or 0, pu = tonumber(h[7]) or 0, cu = tonumber(h[8]) or 0,
  }
end

-- Saves a bucket; it expires by itself once nothing in it matters any more:
-- its latest instant (window end, closure, probe deadline) plus the margin,
-- or later if it was kept longer (`waited`: who waited, for the next window).
local function save(key, b, margin)
  redis.call('HSET', key, 'l', b.l, 'g', b.g, 'p', b.p, 'u', b.u, 'e', b.e,
    'nb', b.nb, 'pu', b.pu, 'cu', b.cu)
  local last = math.max(b.e, b.nb, b.pu, b.cu, now)
  if redis.call('PTTL', key) < last - now + margin then
    redis.call('PEXPIRE', key, last - now + margin)
  end
end

-- What the client mirrors of a bucket.
local function push_state(out, b)
  table.insert(out, b.l); table.insert(out, b.u); table.insert(out, b.p)
  table.insert(out, b.e); table.insert(out, b.cu); table.insert(out, b.g)
end

local function hold_until(hold_key, t_end, margin)
  local held = tonumber(redis.call('GET', hold_key)) or 0
  if t_end > held then
    redis.call('SET', hold_key, t_end, 'PX', t_end - now + margin)
  end
end

-- The epoch changes when Redis lost the fleet's state (restart without
-- persistence, flush, failover). A process that saw windows open under the
-- old epoch, or ran on its local share, knows calls were sent that Redis no
-- longer counts: it holds the whole fleet back until they are over.
local function check_epoch(epoch_key, hold_key, member, known, knows, hold_ms, ttl, margin)
  local epoch = redis.call('GET', epoch_key)
  if not epoch then epoch = tostring(now) .. ':' .. member end
  redis.call('SET', epoch_key, epoch, 'PX', ttl)
  if known ~= '' and known ~= epoch and knows == '1' then
    hold_until(hold_key, now + hold_ms, margin)
  end
  return epoch
end

-- Each process holds a lease. One whose lease lapsed less than `grace` ago may
-- be cut off from Redis and running on its local share: the others leave that
-- share free. Returns the members alive and missing.
local function membership(members_key, member, lease, grace)
  if member ~= '' then redis.call('ZADD', members_key, now + lease, member) end
  redis.call('ZREMRANGEBYSCORE', members_key, '-inf', '(' .. (now - grace))
  redis.call('PEXPIRE', members_key, lease + grace)
  local alive = redis.call('ZCOUNT', members_key, now, '+inf')
  local missing = redis.call('ZCOUNT', members_key, now - grace, '(' .. now)
  return alive, missing
end

-- What a member on its own may send (`window.rs`'s share_of); nothing when
-- the fleet fails closed.
local function share_of(limit, share)
  if share <= 0 then return 0 end
  if share >= 1 then return limit end
  return math.max(1, math.floor(limit * share))
end

-- Fair shares. A bucket's hash also holds, per member M, `w:M` (when M last
-- waited for room in it) and `c:M` (`generation:calls:last`: the calls M made
-- in the window, and when it made the last). A member that waited in this
-- window or the last keeps a fair share of the room while it goes on calling:
-- the others may not take it. It loses it once it has been quiet for
-- `fair_for` (the window's first `fair_for` let every waiting member wake).
-- Without it, whoever woke first when a window opened took it whole, and the
-- same process could lose every window (issue 21). Returns the room held for
-- the others, and when the first of their shares would lapse.
local function held_for_others(key, b, room, member, members_key, minute, fair_for)
  if member == '' or b.p ~= 2 or b.e <= now then return 0, 0 end
  local opened = b.e - minute
  local fields = redis.call('HGETALL', key)
  local waited_at, used, last, stale = {}, {}, {}, {}
  for j = 1, #fields, 2 do
    local f, v = fields[j], fields[j + 1]
    local kind, m = string.sub(f, 1, 2), string.sub(f, 3)
    if kind == 'w:' then
      if tonumber(v) >= opened - minute then waited_at[m] = tonumber(v)
      else table.insert(stale, f) end
    elseif kind == 'c:' then
      local g, n, t_ = string.match(v, '^(%d+):(%d+):(%d+)$')
      if tonumber(g) == b.g then used[m] = tonumber(n); last[m] = tonumber(t_)
      else table.insert(stale, f) end
    end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
  local waiting, lapse = {}, 0
  for m, w in pairs(waited_at) do
    local active = math.max(w, last[m] or 0) + fair_for
    if m ~= member and math.max(active, opened + fair_for) > now then
      local lease = tonumber(redis.call('ZSCORE', members_key, m))
      if lease and lease >= now then
        table.insert(waiting, m)
        local ends = math.max(active, opened + fair_for)
        if lapse == 0 or ends < lapse then lapse = ends end
      end
    end
  end
  if #waiting == 0 then return 0, 0 end
  local fair = math.floor(room / (#waiting + 1))
  -- Below its own share a member always may: the others' shares can exceed
  -- what is left when members that are gone took part of the window.
  if (used[member] or 0) < fair then return 0, 0 end
  local held = 0
  for _, m in ipairs(waiting) do held = held + math.max(0, fair - (used[m] or 0)) end
  return held, math.min(lapse, b.e)
end

-- Notes that `member` waited for room in a bucket, for the next window's
-- shares: the bucket is kept a window past its end, or the next window would
-- open on a fresh hash that knows no one waited.
local function waited(key, b, member, minute)
  if member == '' then return end
  redis.call('HSET', key, 'w:' .. member, now)
  local keep = math.max(b.e, b.nb, b.pu, b.cu, now) - now + minute
  if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
end

-- Counts a call `member` made in the bucket's current window.
local function counted(key, b, member)
  if member == '' then return end
  local v = redis.call('HGET', key, 'c:' .. member)
  local g, n = string.match(v or '', '^(%d+):(%d+)')
  n = (tonumber(g) == b.g) and tonumber(n) + 1 or 1
  redis.call('HSET', key, 'c:' .. member, b.g .. ':' .. n .. ':' .. now)
end
