/* time_window.c: open intervals of local time and their merging; pure. */
#include "time_window.h"

#include <stdlib.h>

static int compare_windows(const void *left, const void *right)
{
    const struct time_window *a = left, *b = right;
    return a->start < b->start ? -1 : a->start > b->start;
}

size_t time_windows_merge(struct time_window *windows, size_t count)
{
    size_t merged = 0;
    if (count == 0)
        return 0;
    qsort(windows, count, sizeof(*windows), compare_windows);
    for (size_t i = 0; i < count; i++) {
        if (windows[i].end <= windows[i].start)
            continue;
        if (merged > 0 && windows[i].start <= windows[merged - 1].end) {
            if (windows[i].end > windows[merged - 1].end)
                windows[merged - 1].end = windows[i].end;
        } else {
            windows[merged++] = windows[i];
        }
    }
    return merged;
}
