-- session_keep: the home keeps a long-lived session's keys from expiring (their TTL only collects
-- the sessions of homes that died without a goodbye). KEYS: session hash, box. ARGV: ttl ms.
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
