-- say: number a message, keep it, publish it, in one atomic step (no other message of the room
-- can come between its number and its place in the history and on the channel).
-- KEYS: meta, log. ARGV: channel, message JSON up to its seq, history length, epoch candidate, floor.
-- Returns {epoch, seq}.
local epoch = numbering(KEYS[1], KEYS[2], ARGV[4], tonumber(ARGV[5]))
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local json = ARGV[2] .. seq .. '}'
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], seq .. '-0', 'm', json)
redis.call('PUBLISH', ARGV[1], 'm ' .. epoch .. ' ' .. seq .. ' ' .. json)
return {epoch, seq}
