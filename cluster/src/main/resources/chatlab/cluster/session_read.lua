-- session_read: what a replica needs: the session's home, its last number, and its kept messages
-- above `after`. An empty reply: no such session.
-- KEYS: session hash, box. ARGV: after.
local s = redis.call('HMGET', KEYS[1], 'home', 'last')
if not s[1] then return {} end
return {s[1], tonumber(s[2]), redis.call('XRANGE', KEYS[2], '(' .. ARGV[1] .. '-0', '+')}
