-- leave (and a connection's disconnect): unregister a member and tell the room.
-- KEYS: members. ARGV: channel, member. Returns the room's member count.
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if removed == 1 then
  redis.call('PUBLISH', ARGV[1], 'p leave ' .. count .. ' ' .. ARGV[2])
end
return count
