-- token_revoke.lua: forget a token at once, for every daemon sharing this Redis.
--
-- KEYS[1] ps:tokens   KEYS[2] ps:revoked
-- ARGV: 1 token id, 2 the token-hash key prefix ("ps:token:")
--
-- Returns "revoked" or "not-found". The hash joins ps:revoked so that a
-- bootstrap admin token read from a data_dir is never registered again.

local hash = redis.call('HGET', KEYS[1], ARGV[1])
if not hash then
  return 'not-found'
end
redis.call('DEL', ARGV[2] .. hash)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], hash)
return 'revoked'
