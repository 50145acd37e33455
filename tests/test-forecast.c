/* test-forecast.c: days classified by the calendar, the days each kind looks like, the blend, the
 * backtest. */
#include "check.h"
#include "civil.h"
#include "forecast.h"

#include <math.h>
#include <stdlib.h>

static int64_t day_of(int year, int month, int day)
{
    return civil_days_from_date((struct civil_date){year, month, day});
}

/* National Day 2025 (10-01 .. 10-08, make-up 09-28 and 10-11) and 2026 (10-01 .. 10-07, make-up
 * 09-20 and 10-10). */
static struct calendar *national_day(void)
{
    const char *text = "{\"timezone\":\"Asia/Shanghai\",\"days\":["
                       "{\"date\":\"2025-09-28\",\"kind\":\"workday\",\"name\":\"国庆节补班\"},"
                       "{\"date\":\"2025-10-01\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2025-10-02\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2025-10-03\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2025-10-04\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2026-09-20\",\"kind\":\"workday\",\"name\":\"国庆节补班\"},"
                       "{\"date\":\"2026-10-01\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2026-10-02\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2026-10-03\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
                       "{\"date\":\"2026-10-04\",\"kind\":\"holiday\",\"name\":\"国庆节\"}]}";
    json_t *document = json_loads(text, 0, NULL);
    struct calendar *calendar = NULL;
    struct field_error error;

    CHECK_INT_EQ(calendar_parse(document, &calendar, &error), 0);
    json_decref(document);
    return calendar;
}

static void test_classify(void)
{
    struct calendar *calendar = national_day();
    struct forecast_day day = forecast_classify(calendar, day_of(2026, 10, 3));

    CHECK_INT_EQ(day.kind, FORECAST_HOLIDAY);
    CHECK_STR_EQ(day.holiday, "国庆节");
    CHECK_INT_EQ(day.holiday_index, 3);
    CHECK_INT_EQ(forecast_classify(calendar, day_of(2026, 10, 1)).holiday_index, 1);
    CHECK_INT_EQ(forecast_classify(calendar, day_of(2026, 9, 20)).kind, FORECAST_MAKEUP);
    CHECK_INT_EQ(forecast_classify(calendar, day_of(2026, 9, 30)).kind, FORECAST_PRE_HOLIDAY);
    CHECK_INT_EQ(forecast_classify(calendar, day_of(2026, 9, 29)).kind, FORECAST_WORKDAY);
    CHECK_INT_EQ(forecast_classify(calendar, day_of(2026, 9, 26)).kind, FORECAST_WEEKEND);
    CHECK_INT_EQ(forecast_classify(calendar, day_of(2026, 9, 26)).weekday, 5);
    CHECK_INT_EQ(forecast_classify(NULL, day_of(2026, 10, 3)).kind, FORECAST_WEEKEND);
    CHECK_STR_EQ(forecast_kind_name(FORECAST_MAKEUP), "makeup_workday");
    calendar_free(calendar);
}

/* Workdays 100, weekends 20, National Day's n-th day 150 + 10 n, at every hour; from 2025-09-01. */
static void fill(struct forecast_profile *profile, const struct calendar *calendar, int64_t last)
{
    profile->first_day = day_of(2025, 9, 1);
    profile->day_count = (size_t)(last - profile->first_day + 1);
    profile->capacity = 200;
    profile->hourly = malloc(profile->day_count * FORECAST_HOURS * sizeof(float));
    for (size_t d = 0; d < profile->day_count; d++) {
        struct forecast_day day = forecast_classify(calendar, profile->first_day + (int64_t)d);
        float value = day.kind == FORECAST_HOLIDAY   ? 150.0f + 10.0f * (float)day.holiday_index
                      : day.kind == FORECAST_WEEKEND ? 20.0f
                                                     : 100.0f;
        for (int h = 0; h < FORECAST_HOURS; h++)
            profile->hourly[d * FORECAST_HOURS + (size_t)h] = value;
    }
    CHECK_INT_EQ(forecast_profile_classify(profile, calendar), 0);
}

static void test_usual_by_kind(void)
{
    struct calendar *calendar = national_day();
    struct forecast_profile profile = {0};
    double mean = 0, spread = 0;

    fill(&profile, calendar, day_of(2026, 9, 15));
    /* The holiday's 3rd day looks like last year's 3rd day, not like the weeks before it. */
    CHECK_INT_EQ(
        forecast_usual(&profile, day_of(2026, 10, 3), 10, day_of(2026, 9, 16), &mean, &spread), 1);
    CHECK_INT_EQ((int64_t)mean, 180);
    CHECK_INT_EQ((int64_t)spread, 16); /* one day: 8 % of capacity */
    CHECK(forecast_baseline(&profile, day_of(2026, 10, 3), 10, &mean));
    CHECK_INT_EQ((int64_t)mean, 20); /* the baseline: three Saturdays */
    /* The make-up Sunday looks like a workday. */
    CHECK_INT_EQ(
        forecast_usual(&profile, day_of(2026, 9, 20), 10, day_of(2026, 9, 16), &mean, &spread), 5);
    CHECK_INT_EQ((int64_t)mean, 100);
    CHECK_INT_EQ((int64_t)spread, 6); /* identical days: the 3 % floor */
    CHECK_INT_EQ(forecast_days_known(&profile), profile.day_count);
    profile.hourly[0] = NAN;
    CHECK_INT_EQ(forecast_days_known(&profile), profile.day_count);
    forecast_profile_clear(&profile);
    calendar_free(calendar);
}

static void test_blend_fades(void)
{
    struct calendar *calendar = national_day();
    struct forecast_profile profile = {0};
    double expected, low, high;
    int64_t today = day_of(2026, 9, 15); /* a Tuesday */

    fill(&profile, calendar, today);
    /* 40 above the usual 100 now: +40 now, 40 e^-1 two hours later, next to nothing in a day. */
    CHECK(forecast_at(&profile, today, 9, 140, today, 9, &expected, &low, &high));
    CHECK_INT_EQ(lround(expected), 140);
    CHECK(forecast_at(&profile, today, 9, 140, today, 11, &expected, &low, &high));
    CHECK_INT_EQ(lround(expected), 115);
    CHECK_INT_EQ(lround(high - expected), 8); /* 1.2816 x 6 */
    CHECK(forecast_at(&profile, today, 9, 140, today + 1, 9, &expected, &low, &high));
    CHECK_INT_EQ(lround(expected), 100);
    /* Clamped to the capacity. */
    CHECK(forecast_at(&profile, today, 9, 200, today, 9, &expected, &low, &high));
    CHECK(expected <= 200 && high <= 200);
    /* Through a memo: the same figures, and the same hour's second step reuses the first. */
    struct forecast_memo memo = {0};
    CHECK(forecast_at_memo(&profile, &memo, today, 9, 140, today, 11, &expected, &low, &high));
    CHECK_INT_EQ(lround(expected), 115);
    profile.capacity = 1; /* would clamp a fresh computation to 1 */
    CHECK(forecast_at_memo(&profile, &memo, today, 9, 140, today, 11, &expected, &low, &high));
    CHECK_INT_EQ(lround(expected), 115);
    CHECK(forecast_at_memo(&profile, &memo, today, 9, 140, today, 12, &expected, &low, &high));
    CHECK_INT_EQ(lround(expected), 1);
    profile.capacity = 200;
    CHECK_INT_EQ(forecast_trend_of(&profile, today, 9, 140), FORECAST_TREND_DECREASING);
    CHECK_INT_EQ(forecast_trend_of(&profile, today, 9, 100), FORECAST_TREND_STABLE);
    forecast_profile_clear(&profile);
    calendar_free(calendar);
}

static void test_backtest_sees_the_holiday(void)
{
    struct calendar *calendar = national_day();
    struct forecast_profile profile = {0};
    struct forecast_errors errors;

    fill(&profile, calendar, day_of(2026, 10, 10));
    forecast_backtest(&profile, day_of(2026, 9, 20), day_of(2026, 10, 4), &errors);
    /* Holidays: exact from last year; the baseline sees weeks of 100 and 20. */
    CHECK_INT_EQ(errors.count[0][2], 4 * 24);
    CHECK(errors.sum[0][2] / (double)errors.count[0][2] < 0.5);
    CHECK(errors.baseline_sum[0][2] / (double)errors.count[0][2] > 50);
    /* The make-up Sunday: exact; the baseline's Sundays are 20. */
    CHECK_INT_EQ(errors.count[1][2], 24);
    CHECK(errors.sum[1][2] < 0.5);
    CHECK_INT_EQ(lround(errors.baseline_sum[1][2] / 24), 80);
    forecast_profile_clear(&profile);
    calendar_free(calendar);
}

int main(void)
{
    RUN_TEST(test_classify);
    RUN_TEST(test_usual_by_kind);
    RUN_TEST(test_blend_fades);
    RUN_TEST(test_backtest_sees_the_holiday);
    return check_exit_status();
}
