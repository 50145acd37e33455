/* opening.h: whether a lot is open now: its hours, its holiday calendar, the local clock. */
#ifndef PARKSHARE_OPENING_H
#define PARKSHARE_OPENING_H

#include "calendar.h"
#include "snapshot.h"

#include <stddef.h>
#include <stdint.h>

struct opening;

/*
 * Judge lots in the process' local timezone (main sets TZ to the configured
 * zone before anything runs; libc's tz conversion is the only clock used).
 * Returns NULL when out of memory.
 */
struct opening *opening_new(void);

/* Free, with every calendar; accepts NULL. */
void opening_free(struct opening *opening);

/*
 * Add or replace the calendar named id (taking ownership). Lots compiled
 * before see the new calendar at once: calendars are looked up by id on
 * every judgement. Returns 0 or -1 (no memory; the calendar is freed).
 */
int opening_set_calendar(struct opening *opening, const char *id, struct calendar *calendar);

/* Forget the calendar named id (lots using it then see no exceptions). */
void opening_remove_calendar(struct opening *opening, const char *id);

/* The calendar named id, or NULL. */
const struct calendar *opening_calendar(const struct opening *opening, const char *id);

/* The snapshot's view of this module. */
struct snapshot_opening opening_for_snapshot(struct opening *opening);

#endif
