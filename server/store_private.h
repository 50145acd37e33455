/* store_private.h: what the store_* files share: raw commands, scripts, key names. */
#ifndef PARKSHARE_STORE_PRIVATE_H
#define PARKSHARE_STORE_PRIVATE_H

#include "store.h"

#include <hiredis/hiredis.h>
#include <stdbool.h>

/*
 * Every key and channel parkshare uses lives under this prefix, and only
 * the store_* files know them.
 *
 *   ps:lots                 set of lot ids
 *   ps:lot:{id}             hash: json (static fields), capacity, occupied
 *                           (absent until the first report), version,
 *                           updated_at (ms of the last occupancy report)
 *   ps:idem:{key}           hash: fingerprint, answer; expires after
 *                           idempotency_ttl
 *   ps:audit                stream of every change, capped
 *   ps:audit:{id}           stream of one lot's changes, capped
 *   ps:token:{sha256}       hash: id, role, lots (JSON array), name, created_at
 *   ps:tokens               hash: token id -> sha256 of the token
 *   ps:revoked              set of sha256 of revoked bootstrap admin tokens
 *   ps:demo                 set once the demo city was loaded (or declined)
 *   ps:calendars            set of calendar ids
 *   ps:calendar:{id}        string: the calendar in the native JSON form
 *   ps:changes:{db}         pub/sub channel of changes (channels are not
 *                           per database, so the name carries it)
 */
#define STORE_PREFIX "ps:"

/* The scripts in server/scripts/, loaded at connect and run with EVALSHA. */
enum store_script {
    STORE_SCRIPT_OCCUPANCY = 0,
    STORE_SCRIPT_LOT_PUT,
    STORE_SCRIPT_LOT_DELETE,
    STORE_SCRIPT_TOKEN_CREATE,
    STORE_SCRIPT_TOKEN_REVOKE,
    STORE_SCRIPT_TOKEN_BOOTSTRAP,
    STORE_SCRIPT_TOKEN_LIST,
    STORE_SCRIPT_DEMO_CLAIM,
    STORE_SCRIPT_CALENDAR_PUT,
    STORE_SCRIPT_CALENDAR_LOAD,
    STORE_SCRIPT_CALENDAR_DELETE,
    STORE_SCRIPT_COUNT,
};

/* Generated at build time from the Lua files in server/scripts (store_scripts.c). */
extern const char *const store_script_sources[STORE_SCRIPT_COUNT];
extern const char *const store_script_names[STORE_SCRIPT_COUNT];

/*
 * Receives a command's reply; reply is NULL when the link broke or the
 * store is being freed. The reply is freed by hiredis after the call.
 */
typedef void (*store_reply_callback)(redisReply *reply, void *data);

/*
 * Send one command (argc arguments, binary-safe). Returns 0, or
 * STORE_ERROR_NOT_READY / STORE_ERROR_NO_MEMORY without calling callback.
 */
int store_command(struct store *store, store_reply_callback callback, void *data, int argc,
                  const char **argv, const size_t *lengths);

/*
 * Run a script with EVALSHA, falling back to EVAL (which caches it again)
 * when Redis answers NOSCRIPT. keys and args are copied. Same returns as
 * store_command.
 */
int store_script_run(struct store *store, enum store_script script, int key_count,
                     const char **keys, int arg_count, const char **args, const size_t *arg_lengths,
                     store_reply_callback callback, void *data);

/* The change channel's name ("ps:changes:{db}"). */
const char *store_change_channel(const struct store *store);

/* The options given to store_new. */
int64_t store_idempotency_ttl(const struct store *store);
int64_t store_audit_max_length(const struct store *store);

/* Parse a reply element as a decimal integer; fallback when it is not one. */
int64_t store_reply_integer(const redisReply *reply, int64_t fallback);

/* Whether reply is a string (status or bulk) equal to text. */
bool store_reply_is(const redisReply *reply, const char *text);

/* Map a script's outcome word ("ok", "not-found", ...) to an outcome. */
enum store_outcome store_outcome_from_word(const redisReply *reply);

#endif
