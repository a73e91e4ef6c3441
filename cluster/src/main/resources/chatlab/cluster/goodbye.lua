-- goodbye: a server that stops cleanly takes all its members out of a room, and tells the room.
-- KEYS: members. ARGV: channel, the server's member prefix (SERVER/). Returns how many left.
local mine = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, 1, #ARGV[2]) == ARGV[2] then table.insert(mine, member) end
end
for _, member in ipairs(mine) do
  redis.call('ZREM', KEYS[1], member)
  redis.call('PUBLISH', ARGV[1], 'p leave ' .. redis.call('ZCARD', KEYS[1]) .. ' ' .. member)
end
return #mine
