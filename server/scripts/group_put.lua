-- group_put.lua: store a group's names, audit it and tell every daemon.
--
-- KEYS[1] ps:group:{id}   KEYS[2] ps:groups   KEYS[3] ps:audit
-- ARGV: 1 id, 2 names JSON, 3 token id, 4 client address, 5 change channel,
-- 6 audit stream cap
--
-- Returns "created" or "replaced".

local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'group', ARGV[1],
           'kind', old and 'group_replace' or 'group_create', 'token', ARGV[3],
           'client', ARGV[4], 'old_names', old or '', 'new_names', ARGV[2])
redis.call('PUBLISH', ARGV[5], cjson.encode({type = 'group', id = ARGV[1]}))
return old and 'replaced' or 'created'
