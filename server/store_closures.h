/* store_closures.h: a lot's announced closures in Redis: announce and withdraw, atomically. */
#ifndef PARKSHARE_STORE_CLOSURES_H
#define PARKSHARE_STORE_CLOSURES_H

#include "store.h"

#include <stdint.h>

/* An announcement or a withdrawal. Strings are copied before the call returns. */
struct store_closure_write {
    const char *lot_id;
    const char *record_json; /* announce: the stored form without its id (core/closure.h) */
    const char *from_text;   /* announce: from and to as RFC 3339, for the audit */
    const char *to_text;
    const char *closure_id;      /* withdraw: which one */
    const char *idempotency_key; /* announce: NULL when the client gave none */
    const char *token_hash;      /* hex SHA-256 of the bearer token */
    const char *client;          /* the client's address, for the audit */
};

struct store_closure_result {
    enum store_outcome outcome; /* OK, REPLAYED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, KEY_REUSED,
                                   OVER_CAPACITY (too many closures), UNAVAILABLE, FAILED */
    const char *closure;        /* OK, REPLAYED: the stored closure's JSON text */
    const char *detail;         /* NOT_FOUND: "lot" or "closure"; OVER_CAPACITY: the count */
    int64_t version;            /* OK: the lot's new version */
    const char *closures;       /* OK: the lot's closures after the change, JSON text */
};

typedef void (*store_closure_callback)(const struct store_closure_result *result, void *data);

/*
 * Announce a closure in one atomic step inside Redis: the token and its
 * scope, idempotency per lot as for occupancy, the lot's existence, past
 * closures pruned, at most max_per_lot kept, the lot's version bumped
 * (the closure's id), the audit entry and the "closures" change message.
 * callback runs exactly once, later, unless this returns an enum
 * store_error (then nothing was sent).
 */
int store_closure_announce(struct store *store, const struct store_closure_write *write,
                           int max_per_lot, store_closure_callback callback, void *data);

/* Withdraw a current or upcoming closure; as store_closure_announce. */
int store_closure_withdraw(struct store *store, const struct store_closure_write *write,
                           store_closure_callback callback, void *data);

#endif
