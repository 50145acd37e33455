/* ical.h: RFC 5545 iCalendar text of a lot's openings; pure. */
#ifndef PARKSHARE_ICAL_H
#define PARKSHARE_ICAL_H

#include "leave_by.h"
#include "schedule.h"

#include <stddef.h>
#include <stdint.h>

/* One opening, or one leave-by deadline, as an event; times are UTC milliseconds. */
struct ical_event {
    int64_t start_ms;
    int64_t end_ms;      /* -1: an instant with no duration (a deadline) */
    const char *summary; /* NULL: the lot's name */
};

/* What the calendar is about. Strings are UTF-8 and escaped here. */
struct ical_calendar {
    const char *lot_id;      /* for UIDs: "<lot>-<start>@parkshare" */
    const char *lot_name;    /* calendar name and event summaries */
    const char *location;    /* the lot's address, or NULL */
    const char *description; /* e.g. the fee, or NULL */
    int64_t stamp_ms;        /* DTSTAMP of every event */
};

/*
 * The VCALENDAR text: CRLF line ends, TEXT values escaped (backslash,
 * semicolon, comma, newline), lines folded at 75 octets without splitting a
 * UTF-8 sequence, times in UTC (…Z). An event with no end is an instant
 * (no DTEND) whose UID ends "-leave-by" so that it never collides with an
 * opening that starts at the same time. Returns a new string (*length set), or
 * NULL when out of memory.
 */
char *ical_render(const struct ical_calendar *calendar, const struct ical_event *events,
                  size_t count, size_t *length);

/*
 * The events of local minutes [from, to): each entry window, and after each
 * its leave-by deadline (rule may be LEAVE_BY_NONE) as an instant titled
 * leave_summary (borrowed), once when consecutive windows share it. A
 * window cut by the end of the range has no known end, so no deadline.
 * Times are converted with the process' zone (clock.h). A new array
 * (*events, freed by the caller); returns 0 or -1 when out of memory.
 */
int ical_schedule_events(const struct schedule *schedule, const struct calendar *calendar,
                         const struct leave_by *rule, const char *leave_summary, int64_t from,
                         int64_t to, struct ical_event **events, size_t *count);

#endif
