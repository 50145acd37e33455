-- token_bootstrap.lua: register a data_dir's admin token unless it exists or was revoked.
--
-- KEYS[1] ps:token:{sha256}   KEYS[2] ps:tokens   KEYS[3] ps:revoked
-- ARGV: 1 token id, 2 name, 3 created_at (RFC 3339), 4 sha256
--
-- Returns "created", "exists" or "revoked".

if redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 1 then
  return 'revoked'
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'exists'
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'role', 'admin', 'lots', '[]', 'scope', '',
           'name', ARGV[2], 'created_at', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 'created'
