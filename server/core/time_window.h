/* time_window.h: open intervals of local time and their merging; pure. */
#ifndef PARKSHARE_TIME_WINDOW_H
#define PARKSHARE_TIME_WINDOW_H

#include <stddef.h>
#include <stdint.h>

/* An open interval [start, end) in local minutes (see schedule.h). */
struct time_window {
    int64_t start;
    int64_t end;
};

/*
 * Sort windows by start, drop empty ones and merge those that overlap or
 * touch (two 24h days become one window), in place. Returns the new count.
 */
size_t time_windows_merge(struct time_window *windows, size_t count);

#endif
