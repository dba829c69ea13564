-- Appends one event to a case's history and publishes it, atomically: the
-- next seq, the stream entry, both trims, both TTLs and the PUBLISH happen
-- together or not at all, so seqs have no gaps and history never misses an
-- event that subscribers saw.
--
-- The epoch is created with the seq counter: a missing epoch (expired, or
-- Redis lost its data) starts a new history at seq 1, and whatever the
-- stream or counter still hold from the lost one is dropped so that the
-- stream stays contiguous.
local meta_key = KEYS[1]   -- hash: seq, epoch
local stream_key = KEYS[2] -- stream: one entry per event, field "e"
local channel = ARGV[1]
local case_id = ARGV[2]
local name = ARGV[3]
local at_unix_nano = ARGV[4]
local data = ARGV[5]
local max_len = ARGV[6]
local ttl_ms = tonumber(ARGV[7])
local new_epoch = ARGV[8]

local epoch = redis.call('HGET', meta_key, 'epoch')
if not epoch then
  epoch = new_epoch
  redis.call('DEL', meta_key, stream_key)
  redis.call('HSET', meta_key, 'epoch', epoch)
end
local seq = redis.call('HINCRBY', meta_key, 'seq', 1)

-- The wire format shared with Go (redis.go): kind, then one field per line,
-- the JSON payload last (it is the only field that may hold newlines).
local payload = 'e\n' .. case_id .. '\n' .. string.format('%d', seq) .. '\n' .. epoch .. '\n' ..
  name .. '\n' .. at_unix_nano .. '\n' .. data

-- Exact MAXLEN (=), not approximate (~): HistorySize is a promise.
redis.call('XADD', stream_key, 'MAXLEN', '=', max_len, '*', 'e', payload)
-- Entry ids are the server's milliseconds, so MINID trims by age.
local now = redis.call('TIME')
local min_id = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - ttl_ms
if min_id > 0 then
  redis.call('XTRIM', stream_key, 'MINID', string.format('%d', min_id))
end
redis.call('PEXPIRE', meta_key, ttl_ms)
redis.call('PEXPIRE', stream_key, ttl_ms)
redis.call('PUBLISH', channel, payload)
return {seq, epoch}
