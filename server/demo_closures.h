/* demo_closures.h: the demo city's announced closures, placed relative to the day it is loaded. */
#ifndef PARKSHARE_DEMO_CLOSURES_H
#define PARKSHARE_DEMO_CLOSURES_H

#include "store.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Check the demo's "closures" (may be NULL: none): an array of
 * {"lot", "in_days", "weekday"?, "start", "hours", "reason", "names"?}, each on a lot
 * of lots (the demo's lots array) and valid as a POST would be. Returns 0,
 * or -1 with a message in error.
 */
int demo_closures_check(const json_t *closures, const json_t *lots, char *error, size_t error_size);

/*
 * Announce each closure (already checked) through the attendants' own
 * script with the admin token's hash: in_days days after today (or, with
 * weekday, the first such day from then on) at start, local time, lasting
 * hours. Failures are logged.
 */
void demo_closures_announce(struct store *store, const json_t *closures, const char *admin_hash);

#endif
