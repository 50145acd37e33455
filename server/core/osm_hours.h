/* osm_hours.h: the supported subset of OSM opening_hours: parse and evaluate; pure. */
#ifndef PARKSHARE_OSM_HOURS_H
#define PARKSHARE_OSM_HOURS_H

#include "calendar.h"
#include "time_window.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OSM_HOURS_RANGES_MAX 8
#define OSM_HOURS_RULES_MAX  16

enum osm_hours_error {
    OSM_HOURS_ERROR_UNSUPPORTED = -1, /* the text names the construct and its position */
};

/* One rule: days it selects, and its times (minutes from the day's start, up to 48:00). */
struct osm_hours_rule {
    unsigned weekdays;   /* bit 0 = Monday ... bit 6 = Sunday */
    bool public_holiday; /* PH: the calendar's days off */
    bool off;            /* off / closed */
    bool additional;     /* after ',': adds to earlier rules instead of replacing */
    size_t count;        /* 0 with !off: the whole day */
    int starts[OSM_HOURS_RANGES_MAX];
    int ends[OSM_HOURS_RANGES_MAX];
};

struct osm_hours {
    size_t count;
    struct osm_hours_rule rules[OSM_HOURS_RULES_MAX];
};

/*
 * Parse text within the subset: weekday selectors and ranges (Mo-Fr, Sa,Su,
 * Su-Tu), PH, time ranges (past midnight, up to 48:00), 24/7, open,
 * off/closed, rules separated by ';' (a later rule replaces the days it
 * selects) and ',' (an additional rule). Anything else is refused, naming
 * the construct and its position. Returns 0 or OSM_HOURS_ERROR_UNSUPPORTED.
 */
int osm_hours_parse(const char *text, struct osm_hours *hours, char *error, size_t error_size);

/*
 * The open intervals overlapping [from, to), clipped, merged, in a new
 * array (*windows, freed by the caller). calendar (may be NULL) says which
 * days PH selects. Returns 0 or -1 (out of memory).
 */
int osm_hours_windows(const struct osm_hours *hours, const struct calendar *calendar, int64_t from,
                      int64_t to, struct time_window **windows, size_t *count);

#endif
