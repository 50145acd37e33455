-- replay.lua: a retry with the same Idempotency-Key and body gets the first answer.
--
-- Included by the scripts that take an Idempotency-Key, where they say
-- "--@include replay.lua" (server/scripts/embed.py), after setting the
-- locals replay_key (the record's key, or nil when the request has no
-- Idempotency-Key) and fingerprint (the request's, with no newline). The
-- record is one string, the fingerprint, a newline, the first answer: one
-- GET here, and the script's one SET with its expiry once it has answered.
-- Returns {"replay", first answer} for the same fingerprint and
-- {"mismatch", ""} for another; falls through when there is no record.
if replay_key then
  local stored = redis.call('GET', replay_key)
  if stored then
    if string.sub(stored, 1, #fingerprint + 1) == fingerprint .. '\n' then
      return {'replay', string.sub(stored, #fingerprint + 2)}
    end
    return {'mismatch', ''}
  end
end
