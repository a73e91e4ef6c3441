-- sync: what a server missed of a room (a seq jump on the channel, or a reconnect), read from
-- the history, after checking that the room's numbering did not go backwards.
-- KEYS: meta, log. ARGV: epoch candidate, floor (the caller's last delivered seq), the epoch the
-- caller knows ('' if none), history length. Returns {epoch, seq, lost, entries above floor}.
local m = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'lost')
local floor = tonumber(ARGV[2])
if m[1] and m[1] == ARGV[3] and tonumber(m[2]) < floor then
  -- Redis came back with older data (a snapshot from before some messages): the numbers above
  -- its seq were given out already, and what they numbered is gone. A new epoch, after floor.
  redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'seq', floor, 'lost', floor)
elseif m[1] and ARGV[3] ~= '' and m[1] ~= ARGV[3] and m[2] == m[3] and floor > tonumber(m[2]) then
  -- Another server recreated the lost room, below this server's numbers, and nothing was said
  -- since: start after the highest number this server gave out.
  redis.call('HSET', KEYS[1], 'seq', floor, 'lost', floor)
end
local epoch, seq, lost = numbering(KEYS[1], KEYS[2], ARGV[1], floor)
local entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[2] .. '-0', '+', 'COUNT', ARGV[4])
return {epoch, seq, lost, entries}
