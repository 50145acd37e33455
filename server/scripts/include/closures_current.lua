-- closures_current.lua: a lot's closures that are not over yet.
--
-- Included by closure_add.lua and closure_withdraw.lua where they say
-- "--@include closures_current.lua" (server/scripts/embed.py). Defines the
-- local function current_closures(text, now): the closures of the lot
-- hash's "closures" field (JSON text, or nil) whose "to" is after now (ms),
-- in their order. A field that does not decode counts as no closures, and
-- closures already over are pruned by the write that reads them.
local function current_closures(text, now)
  local kept = {}
  local readable, old = pcall(cjson.decode, text or '[]')
  if readable and type(old) == 'table' then
    for _, closure in ipairs(old) do
      if type(closure) == 'table' and type(closure['to']) == 'number' and closure['to'] > now then
        table.insert(kept, closure)
      end
    end
  end
  return kept
end
