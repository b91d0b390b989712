"""The Lua scripts that change a job's record; each runs atomically in Redis.

KEYS, for both: 1 the job hash, 2 item states, 3 attempts, 4 finished items, 5 requests
(see service/jobs/store.py). The job hash holds one count per item state under the state's
name, so a move is "decrement the old state, increment the new one" in the same step as the
state change itself: the counts always add up to the total.
"""

from __future__ import annotations

MOVE = """
-- ARGV: index, to, from (comma-separated states), now (ms), ttl (s), finished item JSON or ''
-- Returns {moved (1/0), the state before, the request JSON when moved to running}.
local current = redis.call('HGET', KEYS[2], ARGV[1])
if not current then return {0, 'missing', false} end
if not string.find(',' .. ARGV[3] .. ',', ',' .. current .. ',', 1, true) then
  return {0, current, false}
end
local to = ARGV[2]
if to ~= current then
  redis.call('HSET', KEYS[2], ARGV[1], to)
  redis.call('HINCRBY', KEYS[1], current, -1)
  redis.call('HINCRBY', KEYS[1], to, 1)
end
local request = false
if to == 'running' then
  redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
  redis.call('HSETNX', KEYS[1], 'started_at', ARGV[4])
  request = redis.call('HGET', KEYS[5], ARGV[1])
elseif to == 'queued' then
  -- handed back unfinished by a worker that is stopping: that start does not count
  redis.call('HINCRBY', KEYS[3], ARGV[1], -1)
else
  redis.call('HDEL', KEYS[5], ARGV[1])
  if ARGV[6] ~= '' then redis.call('HSET', KEYS[4], ARGV[1], ARGV[6]) end
end
local pending = tonumber(redis.call('HGET', KEYS[1], 'queued'))
  + tonumber(redis.call('HGET', KEYS[1], 'running'))
if pending == 0 then redis.call('HSETNX', KEYS[1], 'finished_at', ARGV[4]) end
for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
return {1, current, request}
"""

CANCEL = """
-- ARGV: now (ms), ttl (s). Returns -1 for no such job, else how many items were cancelled.
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[1], 'finished_at') == 1 then return 0 end
local states = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #states, 2 do
  if states[i + 1] == 'queued' then
    redis.call('HSET', KEYS[2], states[i], 'cancelled')
    redis.call('HDEL', KEYS[5], states[i])
    n = n + 1
  end
end
redis.call('HINCRBY', KEYS[1], 'queued', -n)
redis.call('HINCRBY', KEYS[1], 'cancelled', n)
redis.call('HSETNX', KEYS[1], 'cancelled_at', ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'running')) == 0 then
  redis.call('HSETNX', KEYS[1], 'finished_at', ARGV[1])
end
for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
return n
"""
