/* forecast.h: a lot's expected count by the calendar (day types, holidays, make-up days); pure. */
#ifndef PARKSHARE_FORECAST_H
#define PARKSHARE_FORECAST_H

#include "calendar.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FORECAST_HOURS      24
#define FORECAST_MIN_DAYS   14        /* days with counts below which the basis is insufficient */
#define FORECAST_FADE_HOURS 2.0       /* the current deviation fades as exp(-hours / this) */
#define FORECAST_Z80        1.2815516 /* the 80 % interval: mean +- z * spread */

/* What kind of day a date is, for choosing the days it should look like. */
enum forecast_kind {
    FORECAST_WORKDAY = 0, /* an ordinary working weekday */
    FORECAST_WEEKEND,     /* an ordinary Saturday or Sunday */
    FORECAST_HOLIDAY,     /* a statutory day off */
    FORECAST_MAKEUP,      /* a make-up workday (a weekend day worked) */
    FORECAST_PRE_HOLIDAY, /* a working day just before a holiday of 3 days or more */
};

/* A date as the forecast sees it. */
struct forecast_day {
    enum forecast_kind kind;
    const char *holiday; /* the holiday's name (borrowed from the calendar), or NULL */
    int holiday_index;   /* 1 on a holiday's first day, 2 on its second, ...; 0 otherwise */
    int weekday;         /* 0 Monday .. 6 Sunday (civil_weekday) */
};

/*
 * Classify day (local days since 1970) by calendar (NULL: weekdays alone).
 * A holiday's days are the consecutive days off that bear its name.
 */
struct forecast_day forecast_classify(const struct calendar *calendar, int64_t day);

/* The kind's name: "workday", "weekend", "holiday", "makeup_workday", "pre_holiday". */
const char *forecast_kind_name(enum forecast_kind kind);

/*
 * A lot's past as the forecast reads it: hourly mean counts of local days
 * first_day .. first_day + day_count - 1, hourly[d * 24 + h], NaN where
 * unknown; and each day's class (filled by forecast_profile_classify).
 */
struct forecast_profile {
    int64_t first_day;
    size_t day_count;
    float *hourly;
    struct forecast_day *days;
    int64_t capacity;
    const struct calendar *calendar; /* borrowed; set by forecast_profile_classify */
};

/* Fill profile->days from calendar. Returns 0, or -1 when out of memory. */
int forecast_profile_classify(struct forecast_profile *profile, const struct calendar *calendar);

/* Free the arrays of a profile (not the struct); accepts an empty one. */
void forecast_profile_clear(struct forecast_profile *profile);

/* How many days of the profile have any count. */
size_t forecast_days_known(const struct forecast_profile *profile);

/*
 * The usual count at hour (0..23) of day, from the days before before_day
 * that day should look like (docs/forecast.md): *mean and *spread (the
 * standard deviation, at least 3 % of capacity). Returns the number of
 * reference days used, 0 when there are none (then nothing is set).
 */
size_t forecast_usual(const struct forecast_profile *profile, int64_t day, int hour,
                      int64_t before_day, double *mean, double *spread);

/*
 * The baseline others use: the mean at hour of the same weekday over the
 * three weeks before day. Returns false when none of the three is known.
 */
bool forecast_baseline(const struct forecast_profile *profile, int64_t day, int hour, double *mean);

/*
 * The forecast at (day, hour) made at (made_day, made_hour), which is
 * earlier: the usual count from days before made_day, plus the deviation
 * of the count at made (observed, -1: unknown) from its usual value, faded
 * by the hours between. Clamped to 0..capacity, with the 80 % interval.
 * Returns false when there is no reference day.
 */
bool forecast_at(const struct forecast_profile *profile, int64_t made_day, int made_hour,
                 double observed, int64_t day, int hour, double *expected, double *low,
                 double *high);

/* The last forecast_at answer, for steps within one hour (made, observed unchanged). */
struct forecast_memo {
    bool valid;
    bool found;
    int64_t day;
    int hour;
    double expected, low, high;
};

/*
 * forecast_at through memo (zeroed before the first call): a step in the
 * same (day, hour) as the last costs nothing, so a 5-minute answer costs
 * one computation per hour. made and observed must not change between calls.
 */
bool forecast_at_memo(const struct forecast_profile *profile, struct forecast_memo *memo,
                      int64_t made_day, int made_hour, double observed, int64_t day, int hour,
                      double *expected, double *low, double *high);

/* Where the count is heading over the next hour. */
enum forecast_trend {
    FORECAST_TREND_UNKNOWN = 0, /* no basis */
    FORECAST_TREND_STABLE,
    FORECAST_TREND_INCREASING, /* occupancy rises (free spaces fall) by 5 % of capacity or more */
    FORECAST_TREND_DECREASING,
};

/*
 * The trend from now (made_day, made_hour, observed count or -1) to an
 * hour later, for the feeds' occupancyTrend and the board's arrow.
 */
enum forecast_trend forecast_trend_of(const struct forecast_profile *profile, int64_t made_day,
                                      int made_hour, double observed);

/* Mean absolute errors of a backtest, per kind of day and lead. */
struct forecast_errors {
    double sum[3][3]; /* [class: holiday, makeup, normal][lead: 1 h, 3 h, 24 h] */
    double baseline_sum[3][3];
    size_t count[3][3];
};

/* The leads of a backtest, in hours. */
extern const int forecast_leads[3];

/*
 * Backtest days from .. to (local days) over the profile: at each hour with
 * a known count and a forecast and a baseline, the absolute error of the
 * forecast made 1, 3 and 24 hours before and of the baseline. Pre-holiday
 * days count as normal days.
 */
void forecast_backtest(const struct forecast_profile *profile, int64_t from_day, int64_t to_day,
                       struct forecast_errors *errors);

#endif
