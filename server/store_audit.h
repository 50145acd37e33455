/* store_audit.h: reading the audit streams of who changed what. */
#ifndef PARKSHARE_STORE_AUDIT_H
#define PARKSHARE_STORE_AUDIT_H

#include "store.h"

#include <stddef.h>
#include <stdint.h>

#define STORE_AUDIT_MAX_FIELDS 16

/* One audit entry; strings valid during the callback only. */
struct store_audit_entry {
    const char *id;  /* stream id "ms-seq": the time of the change and its order */
    int64_t time_ms; /* Redis' clock when the change was applied */
    size_t field_count;
    const char *names[STORE_AUDIT_MAX_FIELDS];
    const char *values[STORE_AUDIT_MAX_FIELDS];
};

/* entries NULL and count 0 unless outcome is OK. */
typedef void (*store_audit_callback)(enum store_outcome outcome,
                                     const struct store_audit_entry *entries, size_t count,
                                     void *data);

/*
 * Read up to limit entries, oldest first, from one lot's stream (lot_id) or
 * the stream of all lots (lot_id NULL), starting at start: a stream id
 * ("1700000000000-0"), "(" and an id to start after it, or "-".
 */
int store_audit_query(struct store *store, const char *lot_id, const char *start, size_t limit,
                      store_audit_callback callback, void *data);

#endif
