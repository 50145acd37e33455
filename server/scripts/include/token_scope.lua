-- token_scope.lua: the write's token, refused unless it may write lot ARGV[1].
--
-- Included by the scripts that write a lot on a token's behalf, where they
-- say "--@include token_scope.lua" (server/scripts/embed.py), after setting
-- the local token_key to the token's key, ps:token:{sha256}. Leaves the
-- local token = {id, role, scope}, or returns {"unauthorized", ""} for an
-- unknown or revoked token and {"forbidden", token id} for one whose scope
-- (",lot-a,lot-b,") does not name the lot. Checked inside the write, not
-- before it, so that a token revoked a moment ago never writes once more.
local token = redis.call('HMGET', token_key, 'id', 'role', 'scope')
if not token[1] then
  return {'unauthorized', ''}
end
if token[2] ~= 'admin' and not string.find(token[3] or '', ',' .. ARGV[1] .. ',', 1, true) then
  return {'forbidden', token[1]}
end
