-- token_create.lua: record a new token under its SHA-256; the token itself never reaches Redis.
--
-- KEYS[1] ps:token:{sha256}   KEYS[2] ps:tokens
-- ARGV: 1 token id, 2 role, 3 lots (JSON array), 4 scope (",a,b,"), 5 name,
-- 6 created_at (RFC 3339), 7 sha256
--
-- Returns "created", or "exists" when the hash is already known.

if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'exists'
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'role', ARGV[2], 'lots', ARGV[3], 'scope', ARGV[4],
           'name', ARGV[5], 'created_at', ARGV[6])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[7])
return 'created'
