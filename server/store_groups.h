/* store_groups.h: the names of areas (groups of lots) in Redis, shared by every daemon. */
#ifndef PARKSHARE_STORE_GROUPS_H
#define PARKSHARE_STORE_GROUPS_H

#include "store.h"

/* Who asked for a change, for the audit. */
struct store_group_author {
    const char *token_id;
    const char *client;
};

/*
 * Store a group's names (JSON as group_from_json made it) under id, add an
 * audit entry and publish a "group" change so that every daemon learns it.
 * outcome CREATED, REPLACED, UNAVAILABLE or FAILED.
 */
int store_group_put(struct store *store, const char *id, const char *json,
                    const struct store_group_author *author, store_outcome_callback callback,
                    void *data);

/*
 * Delete a group's names (its lots keep the group), audited, with a
 * "group_deleted" change: outcome OK or NOT_FOUND (or UNAVAILABLE, FAILED).
 */
int store_group_delete(struct store *store, const char *id, const struct store_group_author *author,
                       store_outcome_callback callback, void *data);

/* One group's names: json is NULL when it has none (valid during the callback). */
typedef store_document_callback store_group_callback;

/* Read one group's names: OK, NOT_FOUND, UNAVAILABLE or FAILED. */
int store_group_get(struct store *store, const char *id, store_group_callback callback, void *data);

/*
 * Read every group's names: callback runs once per group with outcome OK,
 * then once with id NULL (outcome OK when complete, UNAVAILABLE when cut off).
 */
int store_groups_load(struct store *store, store_group_callback callback, void *data);

#endif
