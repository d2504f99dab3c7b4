-- Writes one row's outcome idempotently and keeps the run's counters exact.
-- KEYS[1] outcomes hash (field = line), KEYS[2] counts hash, KEYS[3] inflight hash, KEYS[4] run meta
-- ARGV[1] line, ARGV[2] outcome JSON, ARGV[3] status, ARGV[4] tenant, ARGV[5] held (0|1),
-- ARGV[6] "1" to keep an existing final outcome (a late duplicate must not overwrite it)
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local o = cjson.decode(old)
  local oldHeld = o.held == true
  if ARGV[6] == '1' and not oldHeld then return 0 end
  -- "created" is a fact about the account; a later twin run's "exists" cannot undo it.
  if not oldHeld and o.status == 'created' and ARGV[3] ~= 'created' then return 0 end
  local oldKey = oldHeld and 'held' or o.status
  redis.call('HINCRBY', KEYS[2], oldKey, -1)
  redis.call('HINCRBY', KEYS[2], 't|' .. o.tenant .. '|' .. oldKey, -1)
  if not oldHeld then redis.call('HINCRBY', KEYS[2], 'done', -1) end
end
local key = ARGV[5] == '1' and 'held' or ARGV[3]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], key, 1)
redis.call('HINCRBY', KEYS[2], 't|' .. ARGV[4] .. '|' .. key, 1)
if ARGV[5] ~= '1' then redis.call('HINCRBY', KEYS[2], 'done', 1) end
redis.call('HDEL', KEYS[3], ARGV[1])
-- The last final outcome finishes the run, whichever process wrote it (meta values are JSON).
if ARGV[5] ~= '1' and redis.call('HGET', KEYS[4], 'enqueueDone') == 'true' then
  local total = tonumber(redis.call('HGET', KEYS[4], 'total') or '')
  local done = tonumber(redis.call('HGET', KEYS[2], 'done'))
  if total and done >= total and redis.call('HGET', KEYS[4], 'state') ~= '"finished"' then
    local t = redis.call('TIME')
    redis.call('HSET', KEYS[4], 'state', '"finished"', 'finishedAt', tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)))
  end
end
return 1
