/* schedule_fixture.h: compiling hours and naming local minutes, for the schedule and leave-by
 * tests. */
#ifndef PARKSHARE_TESTS_SCHEDULE_FIXTURE_H
#define PARKSHARE_TESTS_SCHEDULE_FIXTURE_H

#include "check.h"
#include "civil.h"
#include "schedule.h"

#include <jansson.h>

#define DAY SCHEDULE_MINUTES_PER_DAY

/* An hours object's text compiled (a failed check when it does not compile). */
static struct schedule *compile(const char *hours_text)
{
    json_t *hours = json_loads(hours_text, 0, NULL);
    struct schedule *schedule = NULL;
    char error[256];
    CHECK_INT_EQ(schedule_from_hours(hours, &schedule, error, sizeof(error)), 0);
    json_decref(hours);
    return schedule;
}

static int64_t day_of(int year, int month, int day)
{
    return civil_days_from_date((struct civil_date){year, month, day});
}

/* A local minute since 1970, as the schedule engine counts them. */
static int64_t at(int year, int month, int day, int hour, int minute)
{
    return day_of(year, month, day) * DAY + hour * 60 + minute;
}

#endif
