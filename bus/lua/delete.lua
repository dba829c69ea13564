-- Erases a case's history and seq counter and tells every instance, in the
-- same atomic step, so that no instance sees an event of the old history
-- after the deletion notice.
local meta_key = KEYS[1]
local stream_key = KEYS[2]
local channel = ARGV[1]
local case_id = ARGV[2]

redis.call('DEL', meta_key, stream_key)
redis.call('PUBLISH', channel, 'd\n' .. case_id)
return 1
