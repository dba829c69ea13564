-- Reads a case's history after a position, atomically with where it ends:
-- returns {head, epoch, payload...} with the payloads of every event with
-- seq > after in seq order, or no payloads when history no longer reaches
-- back to after (the caller then resyncs). head is 0 and epoch '' when the
-- case has no history.
--
-- Trimming only ever drops the oldest entries and seqs are contiguous, so
-- the events after `after` are exactly the newest head - after entries.
local meta_key = KEYS[1]
local stream_key = KEYS[2]
local after = tonumber(ARGV[1])
local ttl_ms = tonumber(ARGV[2])

local meta = redis.call('HMGET', meta_key, 'seq', 'epoch')
if not meta[1] then
  return {0, ''}
end
local head = tonumber(meta[1])
local epoch = meta[2] or ''

-- Drop entries past their age lazily, as the memory engine does.
local now = redis.call('TIME')
local min_id = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - ttl_ms
if min_id > 0 then
  redis.call('XTRIM', stream_key, 'MINID', string.format('%d', min_id))
end

local want = head - after
if want <= 0 or want > redis.call('XLEN', stream_key) then
  return {head, epoch}
end
local newest_first = redis.call('XREVRANGE', stream_key, '+', '-', 'COUNT', want)
local out = {head, epoch}
for i = #newest_first, 1, -1 do
  out[#out + 1] = newest_first[i][2][2]
end
return out
