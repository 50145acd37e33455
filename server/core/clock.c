/* clock.c: wall time, monotonic time, local time in the deployment's zone, RFC 3339 text. */
#include "clock.h"

#include "civil.h"

#include <stdio.h>
#include <time.h>

/* Minutes in a day, as schedule.h counts local minutes. */
#define MINUTES_PER_DAY 1440

static int64_t read_clock(clockid_t which)
{
    struct timespec now;
    /* Both clocks exist on every Linux; a failure leaves the epoch, not garbage. */
    if (clock_gettime(which, &now) != 0)
        return 0;
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int64_t clock_now_ms(void)
{
    return read_clock(CLOCK_REALTIME);
}

int64_t clock_monotonic_ms(void)
{
    return read_clock(CLOCK_MONOTONIC);
}

void clock_now_rfc3339(char out[25])
{
    civil_format_utc_ms(clock_now_ms(), out);
}

int64_t clock_local_minute(int64_t utc_ms)
{
    time_t seconds = (time_t)(utc_ms / 1000);
    struct tm local;
    int64_t days;

    if (localtime_r(&seconds, &local) == NULL)
        return utc_ms / 60000;
    days = civil_days_from_date(
        (struct civil_date){local.tm_year + 1900, local.tm_mon + 1, local.tm_mday});
    return days * MINUTES_PER_DAY + local.tm_hour * 60 + local.tm_min;
}

int64_t clock_utc_ms(int64_t local_minute)
{
    int64_t day = local_minute / MINUTES_PER_DAY;
    int minute_of_day = (int)(local_minute - day * MINUTES_PER_DAY);
    struct civil_date date = civil_date_from_days(day);
    struct tm local = {0};
    time_t seconds;

    local.tm_year = date.year - 1900;
    local.tm_mon = date.month - 1;
    local.tm_mday = date.day;
    local.tm_hour = minute_of_day / 60;
    local.tm_min = minute_of_day % 60;
    local.tm_isdst = -1; /* let libc decide, so a minute in a DST gap moves forward */
    seconds = mktime(&local);
    return (int64_t)seconds * 1000;
}

void clock_format_local(int64_t utc_ms, char out[32])
{
    time_t seconds = (time_t)(utc_ms / 1000);
    struct tm local;
    char stamp[24];
    long offset, magnitude;

    if (localtime_r(&seconds, &local) == NULL ||
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &local) == 0) {
        snprintf(out, 32, "1970-01-01T00:00:00Z");
        return;
    }
    offset = local.tm_gmtoff / 60;
    magnitude = offset < 0 ? -offset : offset;
    snprintf(out, 32, "%s%c%02ld:%02ld", stamp, offset < 0 ? '-' : '+', magnitude / 60 % 100,
             magnitude % 60);
}
