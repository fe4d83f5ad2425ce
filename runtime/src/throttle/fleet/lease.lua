
-- Renews this process's lease (the heartbeat). KEYS: members.
-- ARGV: member, lease, grace. Returns: now, alive, missing.
local alive, missing = membership(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
return {now, alive, missing}
