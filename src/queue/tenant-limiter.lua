-- Per-tenant sliding-window limiter with reservations (see tenant-limiter.ts for the contract).
-- KEYS[1] tenant log (zset: grants "g<nonce>" and reservations "r<nonce>", score = ms)
-- KEYS[2] tenant pause key (string: ms until which the tenant is throttled)
-- KEYS[3] global log (zset) or "" when there is no global cap
-- KEYS[4] run's held hash (field = tenant) or ""
-- KEYS[5] auth-verified key for the tenant's credentials, or "" (no probing)
-- KEYS[6] auth probe key (string), or ""
-- KEYS[7] run's in-flight hash, or "": on a grant, ARGV[10] is marked there (a crash after this
--         point leaves the row marked, so its re-run reconciles instead of trusting a later "exists")
-- KEYS[8] quota budget (string: creates this run may still send before the quota), or "" (not a create)
-- KEYS[9] quota probe key (string), KEYS[10] run's full-tenants hash
-- ARGV[11] the budget's initial value (quota minus apps known to exist)
-- ARGV: now|"" , max, windowMs, globalMax, globalWindowMs, reservation|"", tenant, probeTtlMs, nonce, inflight field
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
if KEYS[8] ~= '' and redis.call('HEXISTS', KEYS[10], ARGV[7]) == 1 then
  return {-2, now, '', now}
end
local max = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local gmax = tonumber(ARGV[4])
local gwindow = tonumber(ARGV[5])
local reservation = ARGV[6]
local tenant = ARGV[7]
local probeTtl = tonumber(ARGV[8])
local nonce = ARGV[9]
local hasGlobal = KEYS[3] ~= '' and gmax > 0

if KEYS[4] ~= '' and redis.call('HEXISTS', KEYS[4], tenant) == 1 then
  if reservation ~= '' then
    redis.call('ZREM', KEYS[1], reservation)
    if hasGlobal then redis.call('ZREM', KEYS[3], reservation) end
  end
  return {-1, now, '', now}
end

-- Earliest time at which one more call fits: now when fewer than `lmax` calls (grants, and
-- reservations already due) fall in the window ending now; else after the last entry and a full
-- window after the lmax-th most recent one. Future reservations never block a call that fits now:
-- each holder re-checks when it wakes, so every grant is exact against the grants before it.
local function earliest(key, lmax, lwindow, exclude)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - lwindow)
  local past = redis.call('ZCOUNT', key, '-inf', now)
  local mine = exclude ~= '' and redis.call('ZSCORE', key, exclude)
  if mine and tonumber(mine) <= now then past = past - 1 end
  if past < lmax then return now, true end
  -- Only the newest lmax + 1 entries matter (one of them may be the caller's own reservation).
  local entries = redis.call('ZRANGE', key, -(lmax + 1), -1, 'WITHSCORES')
  local scores = {}
  for i = 2, #entries, 2 do
    if entries[i - 1] ~= exclude then scores[#scores + 1] = tonumber(entries[i]) end
  end
  local n = #scores
  local t = now
  if n > 0 and scores[n] > t then t = scores[n] end
  if n >= lmax and scores[n - lmax + 1] + lwindow > t then t = scores[n - lmax + 1] + lwindow end
  return t, false
end

local pauseUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
local t, free = earliest(KEYS[1], max, window, reservation)
if hasGlobal then
  local gt, gfree = earliest(KEYS[3], gmax, gwindow, reservation)
  if gt > t then t = gt end
  free = free and gfree
end
if pauseUntil > now then
  free = false
  if pauseUntil > t then t = pauseUntil end
end

-- Waiting on a probe answers "a second from now": long enough that the job is parked in
-- `delayed`, so a tenant under probe never occupies worker slots that other tenants need.
local flags = ''
if free then
  -- Near the quota, creates go one at a time, so a full account answers AppsExceed once.
  local quotaProbe = false
  if KEYS[8] ~= '' then
    local budget = redis.call('GET', KEYS[8])
    if not budget then
      budget = ARGV[11]
      redis.call('SET', KEYS[8], budget, 'EX', 604800)
    end
    if tonumber(budget) <= 0 then
      if redis.call('EXISTS', KEYS[9]) == 1 then return {0, now + 1000, reservation, now} end
      quotaProbe = true
    end
  end
  if KEYS[5] ~= '' and redis.call('EXISTS', KEYS[5]) == 0 then
    -- Credentials not yet proven: one call at a time, so a wrong key fails once, not N times.
    if redis.call('SET', KEYS[6], nonce, 'NX', 'PX', probeTtl) then
      flags = flags .. 'a'
    else
      return {0, now + 1000, reservation, now}
    end
  end
  if quotaProbe then
    redis.call('SET', KEYS[9], nonce, 'PX', probeTtl)
    flags = flags .. 'q'
  elseif KEYS[8] ~= '' then
    redis.call('DECR', KEYS[8])
  end
end

if free then
  if reservation ~= '' then
    redis.call('ZREM', KEYS[1], reservation)
    if hasGlobal then redis.call('ZREM', KEYS[3], reservation) end
  end
  if KEYS[7] ~= '' then redis.call('HSET', KEYS[7], ARGV[10], '1') end
  redis.call('ZADD', KEYS[1], now, 'g' .. nonce)
  redis.call('PEXPIRE', KEYS[1], window * 2)
  if hasGlobal then
    redis.call('ZADD', KEYS[3], now, 'g' .. nonce)
    redis.call('PEXPIRE', KEYS[3], gwindow * 2)
  end
  return {1, now, flags, now, 'g' .. nonce}
end

local member = reservation
if member == '' then member = 'r' .. nonce end
redis.call('ZADD', KEYS[1], t, member)
redis.call('PEXPIRE', KEYS[1], (t - now) + window * 2)
if hasGlobal then
  redis.call('ZADD', KEYS[3], t, member)
  redis.call('PEXPIRE', KEYS[3], (t - now) + gwindow * 2)
end
return {0, t, member, now}
