-- session_new: a server made an HTTP session; it is the session's home. The keys live as long as
-- the home keeps using them (session_put, session_touch refresh them) and the home deletes them.
-- KEYS: session hash chatlab:session:{SID}. ARGV: home server, ttl ms.
redis.call('HSET', KEYS[1], 'home', ARGV[1], 'last', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
