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

/*
 * entries NULL and count 0 unless outcome is OK. resume is the id to go on
 * after (the next page starts at "(" resume), or NULL when no entry follows
 * as far as is known; it may be set with fewer than limit entries, even
 * none, when a lot's search reached its bound.
 */
typedef void (*store_audit_callback)(enum store_outcome outcome,
                                     const struct store_audit_entry *entries, size_t count,
                                     const char *resume, void *data);

/* How many entries of the stream one read of a lot's entries looks at, at most. */
#define STORE_AUDIT_SCAN_DEFAULT 10000

/*
 * Read up to limit entries, oldest first, from the stream of all lots,
 * starting at start: a stream id ("1700000000000-0"), "(" and an id to
 * start after it, or "-". With lot_id, only that lot's entries, found by
 * looking at no more than scan entries of the stream (audit_list.lua):
 * one call's work is bounded whatever the lot.
 */
int store_audit_query(struct store *store, const char *lot_id, const char *start, size_t limit,
                      size_t scan, store_audit_callback callback, void *data);

#endif
