-- demo_claim.lua: claim the one-time load of the demo city.
--
-- KEYS[1] ps:lots   KEYS[2] ps:demo
--
-- Returns "ok" when the store holds no lot and never had the demo (the
-- caller then loads it), else "exists". The claim is kept, so a demo an
-- operator deleted does not come back on the next start.

if redis.call('SCARD', KEYS[1]) > 0 or redis.call('EXISTS', KEYS[2]) == 1 then
  return 'exists'
end
redis.call('SET', KEYS[2], '1')
return 'ok'
