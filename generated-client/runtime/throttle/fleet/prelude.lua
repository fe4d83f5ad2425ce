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
-- its latest instant (window end, closure, probe deadline) plus the margin.
local function save(key, b, margin)
  redis.call('HSET', key, 'l', b.l, 'g', b.g, 'p', b.p, 'u', b.u, 'e', b.e,
    'nb', b.nb, 'pu', b.pu, 'cu', b.cu)
  local last = math.max(b.e, b.nb, b.pu, b.cu, now)
  redis.call('PEXPIRE', key, last - now + margin)
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
