/* store_calendars.h: holiday calendars in Redis, shared by every daemon. */
#ifndef PARKSHARE_STORE_CALENDARS_H
#define PARKSHARE_STORE_CALENDARS_H

#include "store.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Store a calendar's native JSON under id and publish a "calendar" change so
 * that every daemon reloads it. With only_when_absent an existing calendar
 * is left alone (the shipped calendars are seeded this way on first start).
 * outcome CREATED, REPLACED, EXISTS (only_when_absent), UNAVAILABLE or FAILED.
 */
int store_calendar_put(struct store *store, const char *id, const char *json, bool only_when_absent,
                       store_outcome_callback callback, void *data);

/*
 * Delete a calendar and publish a "calendar_deleted" change: outcome OK or
 * NOT_FOUND (or UNAVAILABLE, FAILED).
 */
int store_calendar_delete(struct store *store, const char *id, store_outcome_callback callback,
                          void *data);

/* One calendar: json is NULL when it does not exist (valid during the callback). */
typedef store_document_callback store_calendar_callback;

/* Read one calendar (id at most WIRE_ID_MAX): OK, NOT_FOUND, UNAVAILABLE or FAILED. */
int store_calendar_get(struct store *store, const char *id, store_calendar_callback callback,
                       void *data);

/*
 * Read every calendar: callback runs once per calendar with outcome OK, then
 * once with id NULL (outcome OK when complete, UNAVAILABLE when cut off).
 */
int store_calendars_load(struct store *store, store_calendar_callback callback, void *data);

#endif
