/* fuzz-hours.c: the hours parser and evaluator, seasons and leave-by deadlines, on any JSON. */
#include "calendar.h"
#include "leave_by.h"
#include "schedule.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/*
 * A "leave_by" member of the input is the lot's rule, taken out before the
 * rest compiles as hours: its deadlines lie ahead, at the rule's time.
 */
static void check_leave_by(json_t *rule_json, const struct schedule *schedule,
                           const struct calendar *calendar, int64_t start)
{
    struct leave_by rule;
    struct field_error error;
    if (leave_by_parse(rule_json, &rule, &error) != 0)
        return;
    for (int64_t step = 0; step < 3 * SCHEDULE_MINUTES_PER_DAY; step += 457) {
        int64_t deadline = leave_by_at(&rule, schedule, calendar, start + step);
        if (deadline >= 0 &&
            (deadline <= start + step || deadline % SCHEDULE_MINUTES_PER_DAY != rule.minute))
            abort();
    }
    for (int64_t day = start / SCHEDULE_MINUTES_PER_DAY; day < start / SCHEDULE_MINUTES_PER_DAY + 3;
         day++) {
        int64_t deadline = leave_by_for_day(&rule, schedule, calendar, day);
        if (deadline >= 0 && (deadline < day * SCHEDULE_MINUTES_PER_DAY ||
                              deadline % SCHEDULE_MINUTES_PER_DAY != rule.minute))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *hours = json_loadb((const char *)data, size, 0, NULL);
    json_t *rule_json = json_incref(json_object_get(hours, "leave_by"));
    struct schedule *schedule = NULL;
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    char error[256];

    if (rule_json != NULL)
        json_object_del(hours, "leave_by");
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
        if (rule_json != NULL)
            check_leave_by(rule_json, schedule, calendar, start);
    }
    json_decref(rule_json);
    schedule_free(schedule);
    calendar_free(calendar);
    json_decref(hours);
    return 0;
}
