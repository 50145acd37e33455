/* test-schedule.c: the hours object against China's calendar, every day of 2007-2026. */
#include "calendar.h"
#include "check.h"
#include "civil.h"
#include "schedule.h"
#include "schedule_fixture.h"

#include <stdlib.h>

/* The two lots the tests follow through the years: open on days off, and open nights too. */
static const char weekend_lot_hours[] = "{\"weekend\":\"24h\",\"holiday\":\"24h\"}";
static const char night_and_weekend_lot_hours[] =
    "{\"workday\":\"18:30-07:30\",\"weekend\":\"24h\",\"holiday\":\"24h\"}";

static struct calendar *calendar_from_year_files(void)
{
    const char *root = getenv("PARKSHARE_SOURCE_ROOT");
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    char path[4096], error[256];

    for (int year = 2007; year <= 2026; year++) {
        json_t *file;
        snprintf(path, sizeof(path), "%s/tests/data/holiday-cn/%d.json", root ? root : ".", year);
        file = json_load_file(path, 0, NULL);
        CHECK(file != NULL);
        if (file != NULL && calendar_import_year(calendar, file, error, sizeof(error)) != 0) {
            fprintf(stderr, "%s: %s\n", path, error);
            CHECK(false);
        }
        json_decref(file);
    }
    return calendar;
}

/* The facts, read independently of the calendar module. */
static void facts_of(const struct calendar *calendar, int64_t day, bool *off, bool *makeup)
{
    enum calendar_day kind = calendar_lookup(calendar, day, NULL);
    *off = kind == CALENDAR_DAY_OFF;
    *makeup = kind == CALENDAR_DAY_MAKEUP_WORKDAY;
}

static bool is_day_off(const struct calendar *calendar, int64_t day)
{
    bool off, makeup;
    facts_of(calendar, day, &off, &makeup);
    return off || (civil_weekday(day) >= 5 && !makeup);
}

/* Open exactly on days off, all day, every day of 2007-2026. */
static void test_weekend_and_holiday_lot_every_day(const struct calendar *calendar)
{
    struct schedule *schedule = compile(weekend_lot_hours);
    int mismatches = 0, days_off = 0;

    for (int64_t day = day_of(2007, 1, 1); day <= day_of(2026, 12, 31); day++) {
        struct time_window *windows = NULL;
        size_t count = 0;
        bool expected = is_day_off(calendar, day);
        schedule_windows(schedule, calendar, day * DAY, (day + 1) * DAY, &windows, &count);
        bool whole =
            count == 1 && windows[0].start == day * DAY && windows[0].end == (day + 1) * DAY;
        if ((expected && !whole) || (!expected && count != 0)) {
            if (mismatches++ < 5) {
                char date[11];
                civil_date_format(civil_date_from_days(day), date);
                fprintf(stderr, "%s: expected %s\n", date, expected ? "open" : "closed");
            }
        }
        days_off += expected;
        free(windows);
    }
    CHECK_INT_EQ(mismatches, 0);
    CHECK(days_off > 20 * 110);
    schedule_free(schedule);
}

/*
 * "workday 18:30-07:30, weekend and holiday 24h": each day's open minutes
 * are its own rule's plus the morning of a workday window begun the day
 * before. Computed here from the facts, compared with the engine.
 */
static void test_night_and_weekend_lot_every_day(const struct calendar *calendar)
{
    struct schedule *schedule = compile(night_and_weekend_lot_hours);
    int mismatches = 0;

    for (int64_t day = day_of(2007, 1, 1); day <= day_of(2026, 12, 31); day++) {
        bool whole_day = is_day_off(calendar, day);
        bool night_before = !is_day_off(calendar, day - 1);
        struct time_window expected[2];
        size_t expected_count = 0;
        struct time_window *windows = NULL;
        size_t count = 0;

        if (whole_day)
            expected[expected_count++] = (struct time_window){day * DAY, (day + 1) * DAY};
        else {
            if (night_before)
                expected[expected_count++] = (struct time_window){day * DAY, day * DAY + 450};
            expected[expected_count++] = (struct time_window){day * DAY + 1110, (day + 1) * DAY};
        }
        schedule_windows(schedule, calendar, day * DAY, (day + 1) * DAY, &windows, &count);
        bool same = count == expected_count;
        for (size_t i = 0; same && i < count; i++)
            same = windows[i].start == expected[i].start && windows[i].end == expected[i].end;
        if (!same && mismatches++ < 5) {
            char date[11];
            civil_date_format(civil_date_from_days(day), date);
            fprintf(stderr, "%s: %zu windows, expected %zu\n", date, count, expected_count);
        }
        free(windows);
    }
    CHECK_INT_EQ(mismatches, 0);
    schedule_free(schedule);
}

static bool open_all_day(const struct schedule *schedule, const struct calendar *calendar,
                         int64_t day)
{
    struct time_window *windows = NULL;
    size_t count = 0;
    schedule_windows(schedule, calendar, day * DAY, (day + 1) * DAY, &windows, &count);
    bool whole = count == 1 && windows[0].end - windows[0].start == DAY;
    free(windows);
    return whole;
}

/* Whether the schedule is open at a minute, and the minute that changes it. */
static void expect_open_at(const struct schedule *schedule, const struct calendar *calendar,
                           int64_t minute, bool open, int64_t next_change)
{
    int64_t next = 0;
    CHECK_INT_EQ(schedule_open_at(schedule, calendar, minute, &next), open);
    CHECK_INT_EQ(next, next_change);
}

static void test_golden_dates(const struct calendar *calendar)
{
    struct schedule *lot = compile(weekend_lot_hours);

    CHECK(!open_all_day(lot, calendar, day_of(2026, 2, 14))); /* make-up Saturday */
    expect_open_at(lot, calendar, at(2026, 2, 14, 12, 0), false, at(2026, 2, 15, 0, 0));
    for (int day = 15; day <= 23; day++)
        CHECK(open_all_day(lot, calendar, day_of(2026, 2, day)));
    CHECK(!open_all_day(lot, calendar, day_of(2026, 9, 20)));
    CHECK(!open_all_day(lot, calendar, day_of(2026, 10, 10)));
    for (int day = 1; day <= 8; day++)
        CHECK(open_all_day(lot, calendar, day_of(2025, 10, day)));
    CHECK(open_all_day(lot, calendar, day_of(2020, 2, 1)));
    /* next_change across the nine-day Spring Festival: open until 2026-02-24. */
    expect_open_at(lot, calendar, at(2026, 2, 15, 0, 0), true, at(2026, 2, 24, 0, 0));
    expect_open_at(lot, calendar, at(2026, 2, 19, 13, 37), true, at(2026, 2, 24, 0, 0));
    /* After it: closed on weekdays, and the make-up Saturday 28 Feb stays closed. */
    expect_open_at(lot, calendar, at(2026, 2, 24, 0, 0), false, at(2026, 3, 1, 0, 0));
    schedule_free(lot);
}

/* The night before a holiday, the workday window runs into the holiday. */
static void test_night_before_holiday(const struct calendar *calendar)
{
    struct schedule *lot = compile(night_and_weekend_lot_hours);

    /* 2026-09-30 (Wednesday) 18:30 opens and stays open through the National Day
     * holiday; its last day is "24h", which ends at midnight before the workday. */
    expect_open_at(lot, calendar, at(2026, 9, 30, 18, 29), false, at(2026, 9, 30, 18, 30));
    expect_open_at(lot, calendar, at(2026, 9, 30, 18, 30), true, at(2026, 10, 8, 0, 0));
    expect_open_at(lot, calendar, at(2026, 10, 8, 0, 0), false, at(2026, 10, 8, 18, 30));
    /* 2026-10-10 is a make-up Saturday: the workday window, not 24h. */
    expect_open_at(lot, calendar, at(2026, 10, 10, 12, 0), false, at(2026, 10, 10, 18, 30));
    schedule_free(lot);
}

static void test_precedence_and_values(const struct calendar *calendar)
{
    struct schedule *lot =
        compile("{\"workday\":\"08:00-12:00, 14:00-18:00\",\"sa\":\"10:00-16:00\","
                "\"fr\":\"17:30-24:00\",\"dates\":{\"2026-10-08\":\"off\"}}");
    struct time_window *windows = NULL;
    size_t count = 0;
    int64_t next = 0;

    /* A Monday takes workday: two windows. */
    schedule_windows(lot, calendar, day_of(2026, 11, 23) * DAY, day_of(2026, 11, 24) * DAY,
                     &windows, &count);
    CHECK_INT_EQ(count, 2);
    CHECK_INT_EQ(windows[1].start - day_of(2026, 11, 23) * DAY, 14 * 60);
    free(windows);
    /* A Friday takes fr, which overrides workday. */
    expect_open_at(lot, calendar, at(2026, 11, 27, 9, 0), false, at(2026, 11, 27, 17, 30));
    /* A holiday without holiday or weekend keys is closed. */
    CHECK(!open_all_day(lot, calendar, day_of(2026, 10, 1)));
    CHECK(!schedule_open_at(lot, calendar, at(2026, 10, 1, 10, 0), &next));
    /* A dates entry beats the calendar's make-up workday: 2026-10-08 is a weekday, off. */
    CHECK(!schedule_open_at(lot, calendar, at(2026, 10, 8, 10, 0), &next));
    /* A make-up Saturday takes workday, not sa. */
    CHECK(schedule_open_at(lot, calendar, at(2026, 10, 10, 9, 0), &next));
    expect_open_at(lot, calendar, at(2026, 11, 28, 9, 0), false, at(2026, 11, 28, 10, 0));
    schedule_free(lot);

    struct schedule_rule rule;
    CHECK_INT_EQ(schedule_parse_value("22:00-02:00", &rule), 0);
    CHECK_INT_EQ(rule.ranges[0].end, 26 * 60);
    CHECK_INT_EQ(schedule_parse_value("00:00-24:00", &rule), 0);
    CHECK_INT_EQ(schedule_parse_value("off", &rule), 0);
    CHECK_INT_EQ(rule.count, 0);
    CHECK_INT_EQ(schedule_parse_value("24:00-01:00", &rule), SCHEDULE_ERROR_INVALID);
    CHECK_INT_EQ(schedule_parse_value("8:00-12:00", &rule), SCHEDULE_ERROR_INVALID);
    CHECK_INT_EQ(schedule_parse_value("08:00-12:00,", &rule), SCHEDULE_ERROR_INVALID);
    CHECK_INT_EQ(schedule_parse_value("08:60-12:00", &rule), SCHEDULE_ERROR_INVALID);
}

static void test_errors_and_always_open(void)
{
    struct schedule *schedule = NULL;
    char error[256];
    json_t *hours = json_loads("{\"mo\":\"9-5\"}", 0, NULL);
    int64_t next = 0;

    CHECK_INT_EQ(schedule_from_hours(hours, &schedule, error, sizeof(error)),
                 SCHEDULE_ERROR_INVALID);
    CHECK_STR_EQ(
        error, "hours.mo: must be \"off\", \"24h\" or ranges such as \"08:00-12:00, 18:30-07:30\"");
    json_decref(hours);
    hours = json_loads("{\"someday\":\"24h\"}", 0, NULL);
    CHECK_INT_EQ(schedule_from_hours(hours, &schedule, error, sizeof(error)),
                 SCHEDULE_ERROR_INVALID);
    CHECK_STR_EQ(error, "hours.someday: unknown day class; expected workday, weekend, holiday, "
                        "mo..su, dates or seasons");
    json_decref(hours);
    CHECK_INT_EQ(schedule_from_hours(NULL, &schedule, error, sizeof(error)), 0);
    CHECK(schedule_open_at(schedule, NULL, at(2026, 1, 1, 0, 0), &next));
    CHECK_INT_EQ(next, -1);
    schedule_free(schedule);
    schedule_free(NULL);
}

static void check_osm(const char *hours_text, const char *expected)
{
    json_t *hours = hours_text ? json_loads(hours_text, 0, NULL) : NULL;
    char *osm = schedule_osm_string(hours);
    CHECK_STR_EQ(osm, expected);
    free(osm);
    json_decref(hours);
}

static void test_derived_osm_strings(void)
{
    check_osm(NULL, "24/7");
    check_osm("{\"workday\":\"24h\",\"weekend\":\"24h\",\"holiday\":\"24h\"}", "24/7");
    check_osm(weekend_lot_hours, "Sa,Su 00:00-24:00; PH 00:00-24:00");
    check_osm(night_and_weekend_lot_hours, "Mo-Fr 18:30-07:30; Sa,Su 00:00-24:00; PH 00:00-24:00");
    check_osm("{\"workday\":\"08:00-12:00, 14:00-18:00\",\"sa\":\"10:00-16:00\","
              "\"fr\":\"17:30-24:00\",\"dates\":{\"2026-10-08\":\"off\"}}",
              "Mo-Th 08:00-12:00,14:00-18:00; Fr 17:30-24:00; Sa 10:00-16:00; PH off");
    check_osm("{\"mo\":\"09:00-17:00\",\"we\":\"09:00-17:00\",\"weekend\":\"off\"}",
              "Mo,We 09:00-17:00; PH off");
    /* Holidays fall back to the weekend rule, as the engine does. */
    check_osm("{\"weekend\":\"10:00-22:00\"}", "Sa,Su 10:00-22:00; PH 10:00-22:00");
}

/* The shipped cn.json holds exactly what the year files say. */
static void test_shipped_calendar_matches_the_year_files(const struct calendar *from_files)
{
    const char *root = getenv("PARKSHARE_SOURCE_ROOT");
    struct calendar *shipped = NULL;
    char path[4096], error[256];
    json_t *document;
    int differences = 0;

    snprintf(path, sizeof(path), "%s/config/calendars/cn.json", root ? root : ".");
    document = json_load_file(path, 0, NULL);
    CHECK_INT_EQ(calendar_from_json(document, &shipped, error, sizeof(error)), 0);
    CHECK_INT_EQ(shipped->count, from_files->count);
    for (size_t i = 0; i < shipped->count && i < from_files->count; i++)
        differences += shipped->entries[i].day != from_files->entries[i].day ||
                       shipped->entries[i].kind != from_files->entries[i].kind;
    CHECK_INT_EQ(differences, 0);
    CHECK_STR_EQ(shipped->timezone, "Asia/Shanghai");
    json_decref(document);
    calendar_free(shipped);
}

int main(void)
{
    /* Loaded once: every test reads the same twenty year files. */
    struct calendar *calendar = calendar_from_year_files();

    RUN_TEST_WITH(test_weekend_and_holiday_lot_every_day, calendar);
    RUN_TEST_WITH(test_night_and_weekend_lot_every_day, calendar);
    RUN_TEST_WITH(test_golden_dates, calendar);
    RUN_TEST_WITH(test_night_before_holiday, calendar);
    RUN_TEST_WITH(test_precedence_and_values, calendar);
    RUN_TEST(test_errors_and_always_open);
    RUN_TEST_WITH(test_shipped_calendar_matches_the_year_files, calendar);
    RUN_TEST(test_derived_osm_strings);
    calendar_free(calendar);
    return check_exit_status();
}
