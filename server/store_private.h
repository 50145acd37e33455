/* store_private.h: what the store_* files share: the one way to call Redis, key names. */
#ifndef PARKSHARE_STORE_PRIVATE_H
#define PARKSHARE_STORE_PRIVATE_H

#include "store.h"
#include "store_scripts.h"

#include <hiredis/hiredis.h>
#include <parkshare/wire.h>
#include <stdbool.h>

/*
 * Every key and channel parkshare uses lives under this prefix, and only
 * the store_* files know them.
 *
 *   ps:lots                 set of lot ids
 *   ps:lot:{id}             hash: json (static fields), capacity, occupied
 *                           (absent until the first report), version,
 *                           updated_at (ms of the last occupancy report),
 *                           space:<type>, space:<type>:updated_at (a space
 *                           type's count and when, absent until reported),
 *                           closures (JSON array of current and upcoming
 *                           closures, core/closure.h; absent until one),
 *                           hist (the latest bucket of its history, text),
 *                           groups (",a,b,", its groups, for the history)
 *   ps:idem:{id}:{key}      hash: fingerprint, answer; expires after
 *                           idempotency_ttl (keys are per lot; older
 *                           versions wrote ps:idem:{key}, still read)
 *   ps:audit                stream of every change, capped
 *   ps:audit:{id}           no longer written: older versions' stream per lot
 *   ps:token:{sha256}       hash: id, role, lots (JSON array), name, created_at
 *   ps:tokens               hash: token id -> sha256 of the token
 *   ps:revoked              set of sha256 of revoked bootstrap admin tokens
 *   ps:demo                 set once the demo city was loaded (or declined)
 *   ps:calendars            set of calendar ids
 *   ps:calendar:{id}        string: the calendar in the native JSON form
 *   ps:groups               set of ids of groups that have names
 *   ps:group:{id}           string: a group's names {"name", "names": {"en"}}
 *   ps:hist:{id}:d          hash: a lot's count history, day (days since
 *                           1970) -> its sparse records (core/history.h),
 *                           "c" -> the last day made hourly; expires
 *                           history_days after its latest day
 *                           (ps:hist:{id}:{day} strings: an older layout,
 *                           no longer read, left to expire)
 *   ps:hist:{id}:t          string: the day being written (day number and
 *                           records); the latest bucket is the lot hash's
 *                           "hist" field
 *   ps:ghist:{group}        hash: a group's lots' last counts, their sum
 *                           "*", its latest bucket "*hist"
 *   ps:ghist:{group}:d, :t  a group's count history, as a lot's
 *   ps:changes:{db}         pub/sub channel of changes (channels are not
 *                           per database, so the name carries it)
 *
 * Every message on ps:changes:{db} is one JSON object whose "type" says
 * which change it is, with that type's members (core/change.h parses them):
 *
 *   occupancy          id, version, occupied, updated_at     occupancy.lua
 *                      space (a space type's count, if any)
 *   lot                id, version, occupied, updated_at     lot_put.lua
 *                      (null when never reported), lot (the
 *                      static fields, as stored)
 *   delete             id, version (a lot was deleted)       lot_delete.lua
 *   calendar           id (stored or replaced)               calendar_put.lua
 *   calendar_deleted   id                                    calendar_delete.lua
 *   group              id (names stored or replaced)         group_put.lua
 *   group_deleted      id (names deleted)                    group_delete.lua
 *   closures           id, version, event ("announced" or    closure_add.lua,
 *                      "withdrawn"), closure (that one),     closure_withdraw.lua
 *                      closures (the lot's list after it)
 *
 * version is the lot's version after the change: receivers drop what is
 * not newer than what they hold. The scripts build messages with
 * cjson.encode, whose numbers keep 14 digits (milliseconds since 1970 have
 * 13); the lot's static JSON is spliced in as stored, since decoding it in
 * Lua would lose its member order.
 */
#define STORE_PREFIX "ps:"

/* Words for Redis: count C strings. */
struct store_words {
    const char **words;
    int count;
};

/* The words of an array of C strings. */
#define STORE_WORDS(array)                                                                         \
    ((struct store_words){(array), (int)(sizeof(array) / sizeof((array)[0]))})

/* Any of the public callback types: the reader that receives it casts it back. */
typedef void (*store_callback)(void);

/* Whom a reply goes to: the caller's callback and data, and the id it is about. */
struct store_recipient {
    store_callback callback;
    void *data;
    char id[WIRE_ID_MAX + 1]; /* "" when the request named none */
    bool not_replicated;      /* the reply is NULL because WAIT counted too few replicas */
};

/* What a NULL reply means for recipient: UNAVAILABLE, or NOT_REPLICATED after a short WAIT. */
static inline enum store_outcome store_outcome_missing(const struct store_recipient *recipient)
{
    return recipient->not_replicated ? STORE_OUTCOME_NOT_REPLICATED : STORE_OUTCOME_UNAVAILABLE;
}

/*
 * Turns a reply into the caller's result and calls recipient->callback
 * exactly once. reply is NULL when the link broke or the store is being
 * freed; hiredis frees it after the call.
 */
typedef void (*store_reader)(redisReply *reply, const struct store_recipient *recipient);

/* One command or script for store_call; everything is copied or sent before it returns. */
struct store_request {
    enum store_script script;     /* STORE_SCRIPT_NONE: arguments are a plain command */
    struct store_words keys;      /* scripts: KEYS */
    struct store_words arguments; /* scripts: ARGV; commands: the command's words */
    const char *id;               /* handed back in the recipient (at most WIRE_ID_MAX), or NULL */
};

/*
 * The one way to call Redis: send request on the command link and hand its
 * reply to reader with callback (the caller's own type, which reader casts
 * back) and data. Scripts run with EVALSHA, falling back to EVAL (which
 * caches them again) when Redis answers NOSCRIPT. Returns 0, or
 * STORE_ERROR_NOT_READY / STORE_ERROR_NO_MEMORY without calling reader.
 */
int store_call(struct store *store, const struct store_request *request, store_reader reader,
               store_callback callback, void *data);

/*
 * Run a script that reads every member of a set: KEYS[1] is the set of ids,
 * ARGV[1] the key prefix of the members ("ps:calendar:"). As store_call.
 */
static inline int store_call_over_set(struct store *store, enum store_script script,
                                      const char *set_key, const char *member_prefix,
                                      store_reader reader, store_callback callback, void *data)
{
    const char *keys[] = {set_key};
    const char *arguments[] = {member_prefix};
    const struct store_request request = {
        .script = script, .keys = STORE_WORDS(keys), .arguments = STORE_WORDS(arguments)};
    return store_call(store, &request, reader, callback, data);
}

/*
 * What store_call (store_call.c) needs of the links (store.c). The command
 * link's context while it is ready, else NULL.
 */
struct redisAsyncContext *store_command_context(struct store *store);

/* The SHA1 (40 hex digits) of a script as loaded on the command link. */
const char *store_script_sha(const struct store *store, enum store_script script);

/* The metrics to time scripts into, or NULL. */
struct metrics *store_metrics(const struct store *store);

/* write_replicas and write_replica_timeout in ms: what every write's WAIT asks. */
void store_write_replicas(const struct store *store, int64_t *replicas, int64_t *timeout_ms);

/*
 * context answered READONLY: the server it is on is no master now. Drop
 * the command link (when context is still it) so that it reconnects, in
 * sentinel mode to the master the sentinels name.
 */
void store_master_lost(struct store *store, const struct redisAsyncContext *context,
                       const char *reason);

/* A reader for scripts that answer one outcome word: calls a store_outcome_callback. */
void store_read_outcome(redisReply *reply, const struct store_recipient *recipient);

/* The change channel's name ("ps:changes:{db}"). */
const char *store_change_channel(const struct store *store);

/* The options given to store_new. */
int64_t store_idempotency_ttl(const struct store *store);
int64_t store_audit_max_length(const struct store *store);

/* Parse a reply element as a decimal integer; fallback when it is not one. */
int64_t store_reply_integer(const redisReply *reply, int64_t fallback);

/*
 * GET the document kept at prefix + id, answering a store_document_callback
 * (OK, NOT_FOUND, UNAVAILABLE or FAILED). Returns 0 or -1 (not sent).
 */
int store_document_get(struct store *store, const char *prefix, const char *id,
                       store_document_callback callback, void *data);

/*
 * Every document whose id is in the set at set_key, each kept at prefix +
 * id, in one script call; see store_document_callback for the calls.
 */
int store_documents_load(struct store *store, const char *set_key, const char *prefix,
                         store_document_callback callback, void *data);

/* Map a script's outcome word ("ok", "not-found", ...) to an outcome. */
enum store_outcome store_outcome_from_word(const redisReply *reply);

#endif
