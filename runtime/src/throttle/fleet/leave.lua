-- Takes this process out of the fleet when it is done: the others need not
-- leave its share free for the grace period, as they do for a member whose
-- lease lapsed (it may be running alone). KEYS: members. ARGV: member,
-- channel. Returns: now, alive.
redis.call('ZREM', KEYS[1], ARGV[1])
local alive = redis.call('ZCOUNT', KEYS[1], now, '+inf')
redis.call('PUBLISH', ARGV[2], '1')
return {now, alive}
