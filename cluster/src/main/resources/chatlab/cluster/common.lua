-- Prepended to every script. A room's keys share the hash tag {ROOM}, so that a script touches
-- one Redis Cluster slot: chatlab:{ROOM}:meta (hash: epoch, seq, lost), chatlab:{ROOM}:log (the
-- history stream, entry ids SEQ-0, field m = the message's JSON), chatlab:{ROOM}:members (sorted
-- set of SERVER/LOCALID/NAME scored by expiry in ms). Pub/sub channel: chatlab:{ROOM}, payloads
-- "m EPOCH SEQ JSON" (a message) and "p join|leave COUNT SERVER/LOCALID/NAME" (presence).

-- The room's numbering: epoch, last seq, and `lost` (history up to that seq is gone). A room that
-- does not exist is created here, under a new epoch, numbering after `floor`: the highest seq the
-- calling server delivered. So when Redis lost its data, numbers go on where the members' are,
-- and a resume from below `floor` is told of the gap instead of being handed other messages.
local function numbering(meta, log, candidate, floor)
  local m = redis.call('HMGET', meta, 'epoch', 'seq', 'lost')
  if m[1] then return m[1], tonumber(m[2]), tonumber(m[3]) end
  redis.call('HSET', meta, 'epoch', candidate, 'seq', floor, 'lost', floor)
  redis.call('DEL', log)
  return candidate, floor, floor
end

-- Redis's clock, not the servers': presence expiry does not depend on their clocks agreeing.
local function now_millis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Members whose server stopped refreshing them (it died without a goodbye) leave, and the room hears it.
local function prune(members, channel, now)
  local expired = redis.call('ZRANGEBYSCORE', members, '-inf', now)
  if #expired == 0 then return end
  redis.call('ZREMRANGEBYSCORE', members, '-inf', now)
  local count = redis.call('ZCARD', members)
  for i, member in ipairs(expired) do
    redis.call('PUBLISH', channel, 'p leave ' .. (count + #expired - i) .. ' ' .. member)
  end
end

