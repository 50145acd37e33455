/* store_history.h: lots' count history in Redis: days read at once, imports written at once.
 */
#ifndef PARKSHARE_STORE_HISTORY_H
#define PARKSHARE_STORE_HISTORY_H

#include "history.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* Days older than this many are kept as hourly records (5-minute answers reach 34.7 days). */
#define STORE_HISTORY_DETAIL_DAYS 35

/*
 * The day strings asked for, lot by lot then day by day (lots x days of
 * them): days[i] of lengths[i] bytes, NULL when the day has none. Valid
 * during the call only; NULL unless outcome is OK.
 */
typedef void (*store_history_callback)(enum store_outcome outcome, const unsigned char *const *days,
                                       const size_t *lengths, void *data);

/* Whose history: lots' (by lot id) or groups' own (by group id). */
enum store_history_owner {
    STORE_HISTORY_LOTS = 0,
    STORE_HISTORY_GROUPS,
};

/*
 * Read days first_day .. first_day + day_count - 1 (UTC days since 1970)
 * of each of ids (count of them, lots' or groups' as owner says) in one
 * script call. Outcomes: OK, UNAVAILABLE, FAILED. Returns 0, or -1
 * (nothing sent: the store is not ready or memory ran out).
 */
int store_history_read(struct store *store, enum store_history_owner owner, const char *const *ids,
                       size_t count, int64_t first_day, size_t day_count,
                       store_history_callback callback, void *data);

/*
 * Write records (count of them, from first_bucket) into lot_id's history
 * in one script call: each day's records within the span replaced, the
 * others kept; a day before hourly_before_day (UTC days since 1970) with
 * more than 24 records as hourly records (history_day_hourly). Outcomes: OK, NOT_FOUND (no such
 * lot; nothing written), UNAVAILABLE, FAILED. Returns 0 or -1 as
 * store_history_read.
 */
int store_history_import(struct store *store, const char *lot_id,
                         const struct history_record *records, int64_t first_bucket, size_t count,
                         int64_t hourly_before_day, store_outcome_callback callback, void *data);

#endif
