/* forecast.c: a lot's expected count by the calendar (day types, holidays, make-up days). */
#include "forecast.h"

#include "civil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_DAYS     800  /* how far back reference days are looked for */
#define LONG_HOLIDAY  3    /* a holiday of this many days off or more has "days before" */
#define SPREAD_FLOOR  0.03 /* of capacity: no interval is narrower than this */
#define SPREAD_SINGLE 0.08 /* of capacity: the spread when one reference day is all there is */

const int forecast_leads[3] = {1, 3, 24};

static bool is_off(const struct calendar *calendar, int64_t day, const char *name)
{
    const char *other = NULL;
    if (calendar == NULL || calendar_lookup(calendar, day, &other) != CALENDAR_DAY_OFF)
        return false;
    return name == NULL || (other != NULL && strcmp(other, name) == 0);
}

/* How many consecutive days off named name start at day (at most LONG_HOLIDAY are counted). */
static int block_ahead(const struct calendar *calendar, int64_t day, const char *name)
{
    int length = 0;
    while (length < LONG_HOLIDAY && is_off(calendar, day + length, name))
        length++;
    return length;
}

struct forecast_day forecast_classify(const struct calendar *calendar, int64_t day)
{
    struct forecast_day result = {.weekday = civil_weekday(day)};
    const char *name = NULL, *next_name = NULL;
    enum calendar_day kind =
        calendar != NULL ? calendar_lookup(calendar, day, &name) : CALENDAR_DAY_ORDINARY;

    if (kind == CALENDAR_DAY_OFF) {
        result.kind = FORECAST_HOLIDAY;
        result.holiday = name;
        result.holiday_index = 1;
        while (result.holiday_index < 60 && is_off(calendar, day - result.holiday_index, name))
            result.holiday_index++;
        return result;
    }
    if (kind == CALENDAR_DAY_MAKEUP_WORKDAY) {
        result.kind = FORECAST_MAKEUP;
        return result;
    }
    result.kind = result.weekday >= 5 ? FORECAST_WEEKEND : FORECAST_WORKDAY;
    if (result.kind == FORECAST_WORKDAY && calendar != NULL &&
        calendar_lookup(calendar, day + 1, &next_name) == CALENDAR_DAY_OFF &&
        block_ahead(calendar, day + 1, next_name) >= LONG_HOLIDAY)
        result.kind = FORECAST_PRE_HOLIDAY;
    return result;
}

const char *forecast_kind_name(enum forecast_kind kind)
{
    static const char *const names[] = {"workday", "weekend", "holiday", "makeup_workday",
                                        "pre_holiday"};
    return names[kind];
}

int forecast_profile_classify(struct forecast_profile *profile, const struct calendar *calendar)
{
    free(profile->days);
    profile->calendar = calendar;
    profile->days = calloc(profile->day_count + 1, sizeof(*profile->days));
    if (profile->days == NULL)
        return -1;
    for (size_t d = 0; d < profile->day_count; d++)
        profile->days[d] = forecast_classify(calendar, profile->first_day + (int64_t)d);
    return 0;
}

void forecast_profile_clear(struct forecast_profile *profile)
{
    free(profile->hourly);
    free(profile->days);
    profile->hourly = NULL;
    profile->days = NULL;
    profile->day_count = 0;
}

size_t forecast_days_known(const struct forecast_profile *profile)
{
    size_t known = 0;
    for (size_t d = 0; d < profile->day_count; d++)
        for (int h = 0; h < FORECAST_HOURS; h++)
            if (!isnan(profile->hourly[d * FORECAST_HOURS + (size_t)h])) {
                known++;
                break;
            }
    return known;
}

static double hourly_at(const struct forecast_profile *profile, int64_t day, int hour)
{
    if (day < profile->first_day || day >= profile->first_day + (int64_t)profile->day_count)
        return NAN;
    return profile->hourly[(size_t)(day - profile->first_day) * FORECAST_HOURS + (size_t)hour];
}

/* Which days a target day should look like, most alike first. */
enum rule {
    RULE_SAME_HOLIDAY, /* the same holiday's same day in earlier years */
    RULE_ANY_HOLIDAY,  /* any holiday's same day */
    RULE_WORKDAY_SAME, /* ordinary workdays of the same weekday */
    RULE_WORKDAY_ANY,  /* ordinary workdays */
    RULE_WEEKEND_SAME, /* ordinary weekend days of the same weekday */
    RULE_WEEKEND_ANY,  /* ordinary weekend days */
    RULE_PRE_HOLIDAY,  /* other days before long holidays */
    RULE_NONE,
};

/* The rules for a kind of day, in order, each with how many reference days it takes. */
static void rules_for(enum forecast_kind kind, enum rule rules[3], size_t limits[3])
{
    static const struct {
        enum rule rules[3];
        size_t limits[3];
    } table[] = {
        [FORECAST_WORKDAY] = {{RULE_WORKDAY_SAME, RULE_WORKDAY_ANY, RULE_NONE}, {3, 5, 0}},
        [FORECAST_WEEKEND] = {{RULE_WEEKEND_SAME, RULE_WEEKEND_ANY, RULE_NONE}, {3, 4, 0}},
        [FORECAST_HOLIDAY] = {{RULE_SAME_HOLIDAY, RULE_ANY_HOLIDAY, RULE_WEEKEND_ANY}, {5, 5, 4}},
        [FORECAST_MAKEUP] = {{RULE_WORKDAY_ANY, RULE_NONE, RULE_NONE}, {5, 0, 0}},
        [FORECAST_PRE_HOLIDAY] = {{RULE_PRE_HOLIDAY, RULE_WORKDAY_SAME, RULE_NONE}, {6, 3, 0}},
    };
    memcpy(rules, table[kind].rules, sizeof(table[kind].rules));
    memcpy(limits, table[kind].limits, sizeof(table[kind].limits));
}

static bool rule_takes(enum rule rule, const struct forecast_day *target,
                       const struct forecast_day *day)
{
    switch (rule) {
    case RULE_SAME_HOLIDAY:
        return day->kind == FORECAST_HOLIDAY && day->holiday_index == target->holiday_index &&
               target->holiday != NULL && day->holiday != NULL &&
               strcmp(day->holiday, target->holiday) == 0;
    case RULE_ANY_HOLIDAY:
        return day->kind == FORECAST_HOLIDAY && day->holiday_index == target->holiday_index;
    case RULE_WORKDAY_SAME:
        return day->kind == FORECAST_WORKDAY && day->weekday == target->weekday;
    case RULE_WORKDAY_ANY:
        return day->kind == FORECAST_WORKDAY;
    case RULE_WEEKEND_SAME:
        return day->kind == FORECAST_WEEKEND && day->weekday == target->weekday;
    case RULE_WEEKEND_ANY:
        return day->kind == FORECAST_WEEKEND;
    case RULE_PRE_HOLIDAY:
        return day->kind == FORECAST_PRE_HOLIDAY;
    default:
        return false;
    }
}

/* Mean and spread of up to limit known values at hour on days the rule takes, newest first. */
static size_t gather(const struct forecast_profile *profile, enum rule rule,
                     const struct forecast_day *target, int hour, int64_t before_day, size_t limit,
                     double *mean, double *spread)
{
    double sum = 0, squares = 0;
    size_t taken = 0;
    int64_t last = before_day - 1, first = before_day - SCAN_DAYS;

    if (last >= profile->first_day + (int64_t)profile->day_count)
        last = profile->first_day + (int64_t)profile->day_count - 1;
    if (first < profile->first_day)
        first = profile->first_day;
    for (int64_t day = last; day >= first && taken < limit; day--) {
        double value = hourly_at(profile, day, hour);
        if (isnan(value) || !rule_takes(rule, target, &profile->days[day - profile->first_day]))
            continue;
        sum += value;
        squares += value * value;
        taken++;
    }
    if (taken == 0)
        return 0;
    *mean = sum / (double)taken;
    *spread = taken > 1 ? sqrt(fmax(0, squares / (double)taken - *mean * *mean))
                        : SPREAD_SINGLE * (double)profile->capacity;
    *spread = fmax(*spread, SPREAD_FLOOR * (double)profile->capacity);
    return taken;
}

size_t forecast_usual(const struct forecast_profile *profile, int64_t day, int hour,
                      int64_t before_day, double *mean, double *spread)
{
    struct forecast_day target = forecast_classify(profile->calendar, day);
    enum rule rules[3];
    size_t limits[3], taken = 0;

    rules_for(target.kind, rules, limits);
    for (size_t i = 0; i < 3 && taken == 0 && rules[i] != RULE_NONE; i++)
        taken = gather(profile, rules[i], &target, hour, before_day, limits[i], mean, spread);
    return taken;
}

bool forecast_baseline(const struct forecast_profile *profile, int64_t day, int hour, double *mean)
{
    double sum = 0;
    int known = 0;

    for (int week = 1; week <= 3; week++) {
        double value = hourly_at(profile, day - 7 * week, hour);
        if (!isnan(value)) {
            sum += value;
            known++;
        }
    }
    if (known == 0)
        return false;
    *mean = sum / known;
    return true;
}

bool forecast_at(const struct forecast_profile *profile, int64_t made_day, int made_hour,
                 double observed, int64_t day, int hour, double *expected, double *low,
                 double *high)
{
    double mean, spread, made_mean, made_spread, capacity = (double)profile->capacity;
    double hours = (double)((day - made_day) * FORECAST_HOURS + hour - made_hour);

    if (forecast_usual(profile, day, hour, made_day, &mean, &spread) == 0)
        return false;
    /* Today's deviation from its own usual level carries on, fading over the next hours. */
    if (observed >= 0 &&
        forecast_usual(profile, made_day, made_hour, made_day, &made_mean, &made_spread) > 0)
        mean += (observed - made_mean) * exp(-fmax(hours, 0) / FORECAST_FADE_HOURS);
    *expected = fmin(fmax(mean, 0), capacity);
    *low = fmin(fmax(*expected - FORECAST_Z80 * spread, 0), capacity);
    *high = fmin(fmax(*expected + FORECAST_Z80 * spread, 0), capacity);
    return true;
}

bool forecast_at_memo(const struct forecast_profile *profile, struct forecast_memo *memo,
                      int64_t made_day, int made_hour, double observed, int64_t day, int hour,
                      double *expected, double *low, double *high)
{
    if (!memo->valid || memo->day != day || memo->hour != hour) {
        memo->found = forecast_at(profile, made_day, made_hour, observed, day, hour,
                                  &memo->expected, &memo->low, &memo->high);
        memo->valid = true;
        memo->day = day;
        memo->hour = hour;
    }
    *expected = memo->expected;
    *low = memo->low;
    *high = memo->high;
    return memo->found;
}

static int error_class(enum forecast_kind kind)
{
    return kind == FORECAST_HOLIDAY ? 0 : kind == FORECAST_MAKEUP ? 1 : 2;
}

static void backtest_hour(const struct forecast_profile *profile, int64_t day, int hour, int class,
                          struct forecast_errors *errors)
{
    double actual = hourly_at(profile, day, hour), baseline, expected, low, high;

    if (isnan(actual) || !forecast_baseline(profile, day, hour, &baseline))
        return;
    for (int lead = 0; lead < 3; lead++) {
        int64_t made = day * FORECAST_HOURS + hour - forecast_leads[lead];
        int64_t made_day = made / FORECAST_HOURS;
        int made_hour = (int)(made % FORECAST_HOURS);
        double observed = hourly_at(profile, made_day, made_hour);

        if (!forecast_at(profile, made_day, made_hour, isnan(observed) ? -1 : observed, day, hour,
                         &expected, &low, &high))
            continue;
        errors->sum[class][lead] += fabs(expected - actual);
        errors->baseline_sum[class][lead] += fabs(baseline - actual);
        errors->count[class][lead]++;
    }
}

void forecast_backtest(const struct forecast_profile *profile, int64_t from_day, int64_t to_day,
                       struct forecast_errors *errors)
{
    memset(errors, 0, sizeof(*errors));
    for (int64_t day = from_day; day <= to_day; day++) {
        int class = error_class(forecast_classify(profile->calendar, day).kind);
        for (int hour = 0; hour < FORECAST_HOURS; hour++)
            backtest_hour(profile, day, hour, class, errors);
    }
}

enum forecast_trend forecast_trend_of(const struct forecast_profile *profile, int64_t made_day,
                                      int made_hour, double observed)
{
    double now, later, low, high;
    int64_t next = made_day * FORECAST_HOURS + made_hour + 1;

    if (forecast_days_known(profile) < FORECAST_MIN_DAYS ||
        !forecast_at(profile, made_day, made_hour, observed, made_day, made_hour, &now, &low,
                     &high) ||
        !forecast_at(profile, made_day, made_hour, observed, next / FORECAST_HOURS,
                     (int)(next % FORECAST_HOURS), &later, &low, &high))
        return FORECAST_TREND_UNKNOWN;
    if (later - now >= 0.05 * (double)profile->capacity)
        return FORECAST_TREND_INCREASING;
    if (now - later >= 0.05 * (double)profile->capacity)
        return FORECAST_TREND_DECREASING;
    return FORECAST_TREND_STABLE;
}
