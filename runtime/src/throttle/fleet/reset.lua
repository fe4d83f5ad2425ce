
-- Lifts the fleet's ban breaker; the count of resets tells every process to
-- lift its own. KEYS: breaker. ARGV: channel, breaker ttl.
redis.call('HSET', KEYS[1], 'n', 0, 'until', 0, 'failures', 0)
redis.call('HINCRBY', KEYS[1], 'resets', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[1], '1')
return now
