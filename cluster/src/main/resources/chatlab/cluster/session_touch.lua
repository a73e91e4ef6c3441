-- session_touch: a replica was used on another server. While the home lives (its alive key) and
-- keeps the session, the keys live on and the home hears of the use; otherwise 0: the replica ends.
-- KEYS: session hash, box, the home's alive key. ARGV: the home's inbox channel, sid, ttl ms.
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[1], 'touch ' .. ARGV[2])
return 1
