-- session_put: the home copies one message of a session, numbered as the session numbers it, to
-- the session's box (the last 1000) and to the servers that follow it.
-- KEYS: session hash, box chatlab:session:{SID}:box. ARGV: channel, number, JSON, ttl ms, history length.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[5], ARGV[2] .. '-0', 'm', ARGV[3])
redis.call('HSET', KEYS[1], 'last', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[1], 'm ' .. ARGV[2] .. ' ' .. ARGV[3])
return 1
