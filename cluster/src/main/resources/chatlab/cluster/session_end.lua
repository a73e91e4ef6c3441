-- session_end: the home ended the session (expiry, or it stopped): the replicas end, the keys go.
-- KEYS: session hash, box. ARGV: channel.
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], 'end')
return 1
