-- heartbeat: a server pushes its members' expiry forward, and removes the members whose server
-- stopped doing so. A member of this server that is missing (this server was taken for dead, or
-- Redis lost its data) is added back and announced again.
-- KEYS: members. ARGV: channel, presence ttl ms, member... Returns the room's member count.
local now = now_millis()
prune(KEYS[1], ARGV[1], now)
local expiry = now + tonumber(ARGV[2])
for i = 3, #ARGV do
  if redis.call('ZADD', KEYS[1], expiry, ARGV[i]) == 1 then
    redis.call('PUBLISH', ARGV[1], 'p join ' .. redis.call('ZCARD', KEYS[1]) .. ' ' .. ARGV[i])
  end
end
return redis.call('ZCARD', KEYS[1])
