/* fuzz-hours.c: the hours object parser and evaluator on arbitrary JSON. */
#include "calendar.h"
#include "schedule.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *hours = json_loadb((const char *)data, size, 0, NULL);
    struct schedule *schedule = NULL;
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    char error[256];

    if (hours != NULL && calendar != NULL &&
        schedule_from_hours(hours, &schedule, error, sizeof(error)) == 0) {
        struct time_window *windows = NULL;
        size_t count = 0;
        int64_t next = 0;
        /* 2026-02-14, a week of windows and a next change around it. */
        int64_t start = 20498LL * SCHEDULE_MINUTES_PER_DAY;
        if (schedule_windows(schedule, calendar, start, start + 7 * SCHEDULE_MINUTES_PER_DAY,
                             &windows, &count) == 0) {
            for (size_t i = 1; i < count; i++) {
                if (windows[i].start <= windows[i - 1].end)
                    abort(); /* windows must be merged and ordered */
            }
            free(windows);
        }
        schedule_open_at(schedule, calendar, start + 123, &next);
        if (next >= 0 && next <= start + 123)
            abort(); /* a next change lies in the future */
    }
    schedule_free(schedule);
    calendar_free(calendar);
    json_decref(hours);
    return 0;
}
