-- token_list.lua: every token's public fields, never a hash.
--
-- KEYS[1] ps:tokens   ARGV[1] the token-hash key prefix ("ps:token:")
--
-- Returns a flat array: id, role, lots (JSON), name, created_at, then the next token.

local result = {}
local pairs_ = redis.call('HGETALL', KEYS[1])
for i = 1, #pairs_, 2 do
  local fields = redis.call('HMGET', ARGV[1] .. pairs_[i + 1], 'id', 'role', 'lots', 'name',
                            'created_at')
  if fields[1] then
    for j = 1, 5 do
      result[#result + 1] = fields[j] or ''
    end
  end
end
return result
