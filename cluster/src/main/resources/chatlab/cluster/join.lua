-- join: register a member (or rename it), tell the room, and read what a resume needs.
-- KEYS: meta, log, members. ARGV: channel, member, previous member of the same connection ('' if
-- none), presence ttl ms, after (-1 = no resume), epoch candidate, floor, history length.
-- Returns {epoch, seq, members, gap (0/1), history entries above `after`}.
local epoch, seq, lost = numbering(KEYS[1], KEYS[2], ARGV[6], tonumber(ARGV[7]))
local now = now_millis()
prune(KEYS[3], ARGV[1], now)
local rejoin = false
if ARGV[3] ~= '' then rejoin = redis.call('ZREM', KEYS[3], ARGV[3]) == 1 end
local added = redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[2])
local count = redis.call('ZCARD', KEYS[3])
if added == 1 and not rejoin then
  redis.call('PUBLISH', ARGV[1], 'p join ' .. count .. ' ' .. ARGV[2])
end
local after = tonumber(ARGV[5])
local gap = 0
local history = {}
if after >= 0 then
  history = redis.call('XRANGE', KEYS[2], '(' .. ARGV[5] .. '-0', '+', 'COUNT', ARGV[8])
  local oldest = seq + 1
  if #history > 0 then oldest = tonumber(string.match(history[1][1], '^(%d+)')) end
  -- Gap: messages above `after` were lost with Redis's data, or trimmed, or `after` is from a
  -- history this room no longer has (it is beyond the last seq).
  if after < lost or after > seq or (after + 1 < oldest and after < seq) then gap = 1 end
end
return {epoch, seq, count, gap, history}
