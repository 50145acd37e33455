/* test-leave-by.c: leave-by deadlines against China's 2026 calendar, seasons, and the day types. */
#include "calendar.h"
#include "check.h"
#include "civil.h"
#include "clock.h"
#include "leave_by.h"
#include "lot.h"
#include "opening.h"
#include "osm_hours.h"
#include "schedule.h"
#include "schedule_fixture.h"
#include "snapshot.h"

#include <stdlib.h>
#include <time.h>

/* The Qingzhen rule: entry 07:00-22:00 on weekends and holidays, out by 07:30 next workday. */
static const char agency_hours[] = "{\"weekend\":\"07:00-22:00\",\"holiday\":\"07:00-22:00\"}";
static const struct leave_by agency_rule = {LEAVE_BY_NEXT_WORKDAY, 7 * 60 + 30};

static json_t *year_file(int year)
{
    const char *root = getenv("PARKSHARE_SOURCE_ROOT");
    char path[4096];
    json_t *file;
    snprintf(path, sizeof(path), "%s/tests/data/holiday-cn/%d.json", root ? root : ".", year);
    file = json_load_file(path, 0, NULL);
    CHECK(file != NULL);
    return file;
}

static struct calendar *calendar_2025_2026(void)
{
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    char error[256];
    for (int year = 2025; year <= 2026; year++) {
        json_t *file = year_file(year);
        CHECK(file != NULL && calendar_import_year(calendar, file, error, sizeof(error)) == 0);
        json_decref(file);
    }
    return calendar;
}

/* The worked examples. */
static void test_worked_examples(const struct calendar *calendar)
{
    struct schedule *schedule = compile(agency_hours);
    const int64_t national_day_deadline = at(2026, 10, 8, 7, 30);
    int64_t next = 0;

    /* National Day: entry every day from 10-01 to 10-07, out by Thursday 10-08 07:30. */
    for (int day = 1; day <= 7; day++) {
        CHECK(schedule_open_at(schedule, calendar, at(2026, 10, day, 12, 0), &next));
        CHECK_INT_EQ(leave_by_for_day(&agency_rule, schedule, calendar, day_of(2026, 10, day)),
                     national_day_deadline);
        CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 10, day, 12, 0)),
                     national_day_deadline);
    }
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 10, 7, 23, 0)),
                 national_day_deadline);
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 10, 8, 7, 29)),
                 national_day_deadline);
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 10, 8, 7, 30)), -1);
    CHECK(!schedule_open_at(schedule, calendar, at(2026, 10, 8, 7, 29), &next));
    CHECK_INT_EQ(leave_by_for_day(&agency_rule, schedule, calendar, day_of(2026, 10, 8)), -1);

    /* A plain weekend: Saturday 11-14 and Sunday 11-15, out by Monday 11-16 07:30. */
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 11, 14, 7, 0)),
                 at(2026, 11, 16, 7, 30));
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 11, 15, 21, 59)),
                 at(2026, 11, 16, 7, 30));
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 11, 14, 6, 59)), -1);

    /* A make-up workday: Sunday 09-20 is closed, and Saturday 09-19's deadline is 09-20 07:30. */
    CHECK_INT_EQ(schedule_day_type(calendar, day_of(2026, 9, 20), NULL),
                 SCHEDULE_DAY_MAKEUP_WORKDAY);
    CHECK(!schedule_open_at(schedule, calendar, at(2026, 9, 20, 12, 0), &next));
    CHECK_INT_EQ(leave_by_for_day(&agency_rule, schedule, calendar, day_of(2026, 9, 19)),
                 at(2026, 9, 20, 7, 30));
    CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, at(2026, 9, 19, 23, 0)),
                 at(2026, 9, 20, 7, 30));
    CHECK_INT_EQ(leave_by_for_day(&agency_rule, schedule, calendar, day_of(2026, 9, 20)), -1);
    schedule_free(schedule);
}

/* The facts of a day from the year files themselves, not through the calendar module. */
struct facts {
    signed char listed[800]; /* from 2025-01-01: 0 unlisted, 1 off, 2 workday */
    int64_t first_day;
};

static void read_facts(struct facts *facts)
{
    facts->first_day = day_of(2025, 1, 1);
    memset(facts->listed, 0, sizeof(facts->listed));
    for (int year = 2025; year <= 2026; year++) {
        json_t *file = year_file(year), *days = json_object_get(file, "days");
        for (size_t i = 0; i < json_array_size(days); i++) {
            const json_t *item = json_array_get(days, i);
            int y = 0, m = 0, d = 0;
            CHECK_INT_EQ(
                sscanf(json_string_value(json_object_get(item, "date")), "%d-%d-%d", &y, &m, &d),
                3);
            int64_t index = day_of(y, m, d) - facts->first_day;
            if (index >= 0 && index < 800)
                facts->listed[index] = json_is_true(json_object_get(item, "isOffDay")) ? 1 : 2;
        }
        json_decref(file);
    }
}

/* A workday by the facts: listed as one, or an unlisted Monday..Friday (1970-01-01 a Thursday). */
static bool fact_workday(const struct facts *facts, int64_t day)
{
    int listed = facts->listed[day - facts->first_day];
    int weekday = (int)(((day % 7) + 7 + 3) % 7); /* 0 = Monday */
    return listed == 2 || (listed == 0 && weekday < 5);
}

/* Every day of 2026: entry on days that are not workdays, out by 07:30 on the next workday. */
static void test_every_day_of_2026(const struct calendar *calendar)
{
    struct schedule *schedule = compile(agency_hours);
    static struct facts facts;
    int entry_days = 0;

    read_facts(&facts);
    for (int64_t day = day_of(2026, 1, 1); day <= day_of(2026, 12, 31); day++) {
        int64_t next = 0, expected = -1, before_deadline = -1;
        bool entry = !fact_workday(&facts, day);
        if (entry) {
            int64_t workday = day + 1;
            while (!fact_workday(&facts, workday))
                workday++;
            expected = workday * DAY + 7 * 60 + 30;
            entry_days++;
        }
        if (!fact_workday(&facts, day - 1) && fact_workday(&facts, day))
            before_deadline = day * DAY + 7 * 60 + 30;
        CHECK_INT_EQ(schedule_open_at(schedule, calendar, day * DAY + 12 * 60, &next), entry);
        CHECK_INT_EQ(leave_by_for_day(&agency_rule, schedule, calendar, day), expected);
        CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, day * DAY + 12 * 60), expected);
        CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, day * DAY + 23 * 60), expected);
        CHECK_INT_EQ(leave_by_at(&agency_rule, schedule, calendar, day * DAY + 7 * 60 + 29),
                     entry ? expected : before_deadline);
    }
    /* 104 weekend days, less make-up workdays, plus weekday holidays. */
    CHECK(entry_days > 104 && entry_days < 130);
    schedule_free(schedule);
}

/* A weekday listed as a workday is a plain workday; make-up workdays are weekend days. */
static void test_day_types(void)
{
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    json_t *file = year_file(2020);
    char error[256];
    CHECK(file != NULL && calendar_import_year(calendar, file, error, sizeof(error)) == 0);
    json_decref(file);
    CHECK_INT_EQ(calendar_lookup(calendar, day_of(2020, 2, 3), NULL), CALENDAR_DAY_MAKEUP_WORKDAY);
    CHECK_STR_EQ(schedule_day_type_name(schedule_day_type(calendar, day_of(2020, 2, 3), NULL)),
                 "workday");
    /* Sunday 2020-01-19 was a make-up workday before the Spring Festival. */
    CHECK_STR_EQ(schedule_day_type_name(schedule_day_type(calendar, day_of(2020, 1, 19), NULL)),
                 "makeup_workday");
    /* The weekday keeps its own key: "mo" applies on Monday 2020-02-03. */
    {
        struct schedule *schedule = compile("{\"workday\":\"off\",\"mo\":\"09:00-10:00\"}");
        int64_t next = 0;
        CHECK(schedule_open_at(schedule, calendar, at(2020, 2, 3, 9, 30), &next));
        schedule_free(schedule);
    }
    calendar_free(calendar);
}

static void test_same_day_and_edges(void)
{
    const struct leave_by at_23 = {LEAVE_BY_SAME_DAY, 23 * 60};
    const struct leave_by at_06 = {LEAVE_BY_SAME_DAY, 6 * 60};
    const struct leave_by none = {LEAVE_BY_NONE, 0};
    struct schedule *day = compile("{\"workday\":\"07:00-22:00\",\"weekend\":\"07:00-22:00\"}");
    struct schedule *night = compile("{\"workday\":\"18:00-02:00\",\"weekend\":\"18:00-02:00\"}");
    struct schedule *always = compile("{\"workday\":\"24h\",\"weekend\":\"24h\"}");

    CHECK_INT_EQ(leave_by_at(&at_23, day, NULL, at(2026, 11, 18, 12, 0)), at(2026, 11, 18, 23, 0));
    CHECK_INT_EQ(leave_by_at(&at_23, day, NULL, at(2026, 11, 18, 22, 30)), at(2026, 11, 18, 23, 0));
    CHECK_INT_EQ(leave_by_at(&at_23, day, NULL, at(2026, 11, 18, 23, 0)), -1);
    CHECK_INT_EQ(leave_by_at(&at_06, day, NULL, at(2026, 11, 18, 12, 0)), at(2026, 11, 19, 6, 0));
    /* Entry that runs past midnight: the deadline follows where entry ends. */
    CHECK_INT_EQ(leave_by_at(&at_23, night, NULL, at(2026, 11, 18, 19, 0)),
                 at(2026, 11, 19, 23, 0));
    CHECK_INT_EQ(leave_by_for_day(&at_23, night, NULL, day_of(2026, 11, 18)),
                 at(2026, 11, 19, 23, 0));
    /* Always open: no end of entry, so no deadline; no rule, none either. */
    CHECK_INT_EQ(leave_by_at(&at_23, always, NULL, at(2026, 11, 18, 12, 0)), -1);
    CHECK_INT_EQ(leave_by_for_day(&at_23, always, NULL, day_of(2026, 11, 18)), -1);
    CHECK_INT_EQ(leave_by_at(&none, day, NULL, at(2026, 11, 18, 12, 0)), -1);
    CHECK_INT_EQ(leave_by_after(&agency_rule, NULL, at(2026, 11, 20, 22, 0)),
                 at(2026, 11, 23, 7, 30));
    schedule_free(day);
    schedule_free(night);
    schedule_free(always);
}

static void expect_rule_refused(const char *text, const char *field, const char *rule)
{
    json_t *value = json_loads(text, JSON_DECODE_ANY, NULL);
    struct leave_by parsed;
    struct field_error error;
    CHECK_INT_EQ(leave_by_parse(value, &parsed, &error), LEAVE_BY_ERROR_INVALID);
    CHECK_STR_EQ(error.field, field);
    CHECK_STR_EQ(error.rule, rule);
    json_decref(value);
}

static void test_rule_parsing(void)
{
    static const char time_rule[] = "must be a time of day from 00:00 to 23:59";
    json_t *value = json_loads("{\"on\":\"next_workday\",\"time\":\"07:30\"}", 0, NULL);
    struct leave_by parsed;
    struct field_error error;
    json_t *again;

    CHECK_INT_EQ(leave_by_parse(value, &parsed, &error), 0);
    CHECK_INT_EQ(parsed.on, LEAVE_BY_NEXT_WORKDAY);
    CHECK_INT_EQ(parsed.minute, 450);
    again = leave_by_to_json(&parsed);
    CHECK(json_equal(again, value));
    json_decref(again);
    json_decref(value);
    CHECK_INT_EQ(leave_by_parse(NULL, &parsed, &error), 0);
    CHECK_INT_EQ(parsed.on, LEAVE_BY_NONE);
    CHECK(leave_by_to_json(&parsed) == NULL);

    expect_rule_refused("{\"time\":\"24:00\",\"on\":\"same_day\"}", "leave_by.time", time_rule);
    expect_rule_refused("{\"time\":\"07:60\",\"on\":\"same_day\"}", "leave_by.time", time_rule);
    expect_rule_refused("{\"time\":\"7:30\",\"on\":\"same_day\"}", "leave_by.time", time_rule);
    expect_rule_refused("{\"on\":\"same_day\"}", "leave_by.time", time_rule);
    expect_rule_refused("{\"time\":\"07:30\",\"on\":\"tomorrow\"}", "leave_by.on",
                        "must be \"next_workday\" or \"same_day\"");
    expect_rule_refused("{\"time\":\"07:30\",\"on\":\"same_day\",\"grace\":5}", "leave_by.grace",
                        "unknown field; expected time and on");
    expect_rule_refused(
        "\"07:30\"", "leave_by",
        "must be an object such as {\"time\": \"07:30\", \"on\": \"next_workday\"}");
}

/* The lot keeps the rule in canonical form; a bad one is a 422 naming the field. */
static void test_lot_field(void)
{
#define LOT_BODY                                                                                   \
    "{\"name\":\"A\",\"kind\":\"government\",\"city\":\"qz\",\"location\":"                        \
    "{\"lat\":26.5,\"lon\":106.4},\"capacity\":40,\"hours\":%s,\"leave_by\":%s}"
    char text[512];
    struct field_errors errors = {0};
    struct lot *lot = NULL;
    json_t *body, *canonical;

    snprintf(text, sizeof(text), LOT_BODY, agency_hours,
             "{\"time\":\"07:30\",\"on\":\"next_workday\"}");
    body = json_loads(text, 0, NULL);
    CHECK_INT_EQ(lot_from_json("a", body, &lot, &errors), 0);
    canonical = lot != NULL ? lot_static_to_json(lot) : NULL;
    CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(canonical, "leave_by"), "on")),
                 "next_workday");
    json_decref(canonical);
    json_decref(body);
    lot_free(lot);
    lot = NULL;

    snprintf(text, sizeof(text), LOT_BODY,
             "{\"weekend\":\"24h\",\"seasons\":[{\"from\":\"02-30\","
             "\"to\":\"03-31\",\"hours\":{}}]}",
             "{\"time\":\"25:00\",\"on\":\"next_workday\"}");
    body = json_loads(text, 0, NULL);
    CHECK_INT_EQ(lot_from_json("a", body, &lot, &errors), LOT_ERROR_INVALID);
    CHECK(lot == NULL);
    CHECK_INT_EQ(errors.count, 2);
    CHECK_STR_EQ(errors.items[0].field, "hours.seasons[0].from");
    CHECK_STR_EQ(errors.items[1].field, "leave_by.time");
    json_decref(body);
}

static void test_seasons_across_the_new_year(void)
{
    /* Summer all day on weekends; winter 10:00-16:00, from November to March. */
    struct schedule *schedule =
        compile("{\"weekend\":\"24h\",\"dates\":{\"2027-01-09\":\"off\"},\"seasons\":["
                "{\"from\":\"11-01\",\"to\":\"03-31\",\"hours\":{\"weekend\":\"10:00-16:00\"}},"
                "{\"from\":\"02-29\",\"to\":\"02-29\",\"hours\":{\"weekend\":\"off\"}}]}");
    int64_t next = 0;

    CHECK(schedule_open_at(schedule, NULL, at(2026, 10, 31, 8, 0), &next)); /* Sat, summer */
    CHECK(!schedule_open_at(schedule, NULL, at(2026, 11, 7, 8, 0), &next)); /* Sat, winter */
    CHECK(schedule_open_at(schedule, NULL, at(2026, 11, 7, 12, 0), &next));
    CHECK_INT_EQ(next, at(2026, 11, 7, 16, 0));
    CHECK(!schedule_open_at(schedule, NULL, at(2027, 1, 2, 9, 0), &next)); /* across the year */
    CHECK(schedule_open_at(schedule, NULL, at(2027, 1, 2, 10, 0), &next));
    CHECK(!schedule_open_at(schedule, NULL, at(2027, 1, 9, 12, 0), &next));  /* dates win */
    CHECK(!schedule_open_at(schedule, NULL, at(2027, 3, 27, 9, 0), &next));  /* last Saturday */
    CHECK(schedule_open_at(schedule, NULL, at(2027, 4, 3, 9, 0), &next));    /* summer again */
    CHECK(!schedule_open_at(schedule, NULL, at(2026, 11, 4, 12, 0), &next)); /* winter workday */
    /* The first season that holds a date wins: 2028-02-29 is in the winter one. */
    CHECK(schedule_open_at(schedule, NULL, at(2028, 2, 26, 12, 0), &next));
    schedule_free(schedule);
}

static void expect_season_refused(const char *seasons, const char *message)
{
    char text[512], error[256] = "";
    json_t *hours;
    struct schedule *schedule = NULL;
    snprintf(text, sizeof(text), "{\"seasons\":%s}", seasons);
    hours = json_loads(text, 0, NULL);
    CHECK(hours != NULL);
    CHECK_INT_EQ(schedule_from_hours(hours, &schedule, error, sizeof(error)),
                 SCHEDULE_ERROR_INVALID);
    CHECK_STR_EQ(error, message);
    json_decref(hours);
}

static void test_season_errors(void)
{
    expect_season_refused("[{\"from\":\"02-30\",\"to\":\"03-31\",\"hours\":{}}]",
                          "hours.seasons[0].from: must be a day of the year MM-DD, such as 05-01");
    expect_season_refused("[{\"from\":\"05-01\",\"to\":\"09-31\",\"hours\":{}}]",
                          "hours.seasons[0].to: must be a day of the year MM-DD, such as 05-01");
    expect_season_refused("[{\"from\":\"13-01\",\"to\":\"09-30\",\"hours\":{}}]",
                          "hours.seasons[0].from: must be a day of the year MM-DD, such as 05-01");
    expect_season_refused("[{\"from\":\"05-01\",\"to\":\"09-30\"}]",
                          "hours.seasons[0]: must be an object {from, to, hours} with hours an "
                          "object");
    expect_season_refused(
        "[{\"from\":\"05-01\",\"to\":\"09-30\",\"hours\":{\"dates\":{}}}]",
        "hours.seasons[0].hours.dates: unknown day class; expected workday, weekend, holiday, "
        "mo..su");
    expect_season_refused("[{\"from\":\"05-01\",\"to\":\"09-30\",\"hours\":{\"sa\":\"9-5\"}}]",
                          "hours.seasons[0].hours.sa: must be \"off\", \"24h\" or ranges such as "
                          "\"08:00-12:00, 18:30-07:30\"");
    expect_season_refused("{}", "hours.seasons: must be an array of at most 12 seasons");
}

/* The OSM string stays within the subset the project reads; the deadline goes to the note. */
static void test_osm_string_and_note(void)
{
    json_t *hours = json_loads(agency_hours, 0, NULL);
    char *osm = schedule_osm_string(hours);
    struct osm_hours parsed;
    const struct leave_by same_day = {LEAVE_BY_SAME_DAY, 23 * 60}, none = {LEAVE_BY_NONE, 0};
    char error[256], note[160];

    CHECK_STR_EQ(osm, "Sa,Su 07:00-22:00; PH 07:00-22:00");
    CHECK_INT_EQ(osm_hours_parse(osm, &parsed, error, sizeof(error)), 0);
    leave_by_note(&agency_rule, note, sizeof(note));
    CHECK_STR_EQ(note, "请于次一工作日 07:30 前驶离 (leave by 07:30 on the next workday)");
    /* One language each, for the DATEX II publications. */
    leave_by_say(&agency_rule, LEAVE_BY_CHINESE, note, sizeof(note));
    CHECK_STR_EQ(note, "请于次一工作日 07:30 前驶离");
    leave_by_say(&agency_rule, LEAVE_BY_ENGLISH, note, sizeof(note));
    CHECK_STR_EQ(note, "Leave by 07:30 on the next workday");
    leave_by_note(&same_day, note, sizeof(note));
    CHECK_STR_EQ(note, "请于当日 23:00 前驶离 (leave by 23:00 the same day)");
    leave_by_note(&none, note, sizeof(note));
    CHECK_STR_EQ(note, "");
    leave_by_say(&none, LEAVE_BY_ENGLISH, note, sizeof(note));
    CHECK_STR_EQ(note, "");
    free(osm);
    json_decref(hours);
}

static json_t *answer_of(const struct snapshot *snapshot)
{
    const struct snapshot_lot *lot = snapshot_find(snapshot, "a");
    return lot != NULL ? json_loads(lot->answer->body, 0, NULL) : NULL;
}

static void expect_answer(const struct snapshot *snapshot, const char *state, const char *leave_by)
{
    json_t *answer = answer_of(snapshot);
    CHECK_STR_EQ(json_string_value(json_object_get(answer, "state")), state);
    if (leave_by == NULL)
        CHECK(json_is_null(json_object_get(answer, "leave_by")));
    else
        CHECK_STR_EQ(json_string_value(json_object_get(answer, "leave_by")), leave_by);
    CHECK_STR_EQ(json_string_value(json_object_get(answer, "opening_hours_note")),
                 "请于次一工作日 07:30 前驶离 (leave by 07:30 on the next workday)");
    CHECK_STR_EQ(
        json_string_value(json_object_get(json_object_get(answer, "leave_by_rule"), "time")),
        "07:30");
    json_decref(answer);
}

/*
 * Through the snapshot and the real opening module: the deadline is in the
 * answer while open and after entry closes, the clock deadline includes its
 * passing, and the answer drops it then while the state stays closed.
 */
static void test_snapshot_answer_follows_the_deadline(struct calendar *calendar)
{
    static const char lot_json[] =
        "{\"name\":\"A\",\"kind\":\"government\",\"city\":\"qz\",\"groups\":[],"
        "\"location\":{\"lat\":26.5,\"lon\":106.4},\"capacity\":40,\"calendar\":\"cn\","
        "\"hours\":{\"weekend\":\"07:00-22:00\",\"holiday\":\"07:00-22:00\"},"
        "\"leave_by\":{\"time\":\"07:30\",\"on\":\"next_workday\"}}";
    struct opening *opening = opening_new();
    struct snapshot_options options = {30 * 60000LL, opening_for_snapshot(opening)};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record record = {"a", lot_json, -1, 1, -1, NULL};
    const int64_t saturday_noon = clock_utc_ms(at(2026, 9, 19, 12, 0));
    size_t skipped = 0;

    CHECK_INT_EQ(opening_set_calendar(opening, "cn", calendar), 0);
    CHECK_INT_EQ(
        snapshot_load(snapshot, snapshot_begin_load(snapshot), &record, 1, saturday_noon, &skipped),
        0);
    expect_answer(snapshot, "unknown", "2026-09-20T07:30:00+08:00");
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), clock_utc_ms(at(2026, 9, 19, 22, 0)));
    CHECK_INT_EQ(snapshot_refresh(snapshot, clock_utc_ms(at(2026, 9, 19, 22, 0)), false), 1);
    expect_answer(snapshot, "closed", "2026-09-20T07:30:00+08:00");
    /* The deadline passing comes before entry opens again. */
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), clock_utc_ms(at(2026, 9, 20, 7, 30)));
    CHECK_INT_EQ(snapshot_refresh(snapshot, clock_utc_ms(at(2026, 9, 20, 7, 30)), false), 1);
    expect_answer(snapshot, "closed", NULL);
    CHECK_INT_EQ(snapshot_next_deadline(snapshot),
                 clock_utc_ms(at(2026, 9, 25, 7, 0))); /* Mid-Autumn */
    snapshot_free(snapshot);
    opening_free(opening);
}

int main(void)
{
    /* The opening module judges in the process' zone, as the daemon sets it. */
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();

    struct calendar *calendar = calendar_2025_2026();
    RUN_TEST_WITH(test_worked_examples, calendar);
    RUN_TEST_WITH(test_every_day_of_2026, calendar);
    RUN_TEST(test_day_types);
    RUN_TEST(test_same_day_and_edges);
    RUN_TEST(test_rule_parsing);
    RUN_TEST(test_lot_field);
    RUN_TEST(test_seasons_across_the_new_year);
    RUN_TEST(test_season_errors);
    RUN_TEST(test_osm_string_and_note);
    /* The opening module takes the calendar over. */
    RUN_TEST_WITH(test_snapshot_answer_follows_the_deadline, calendar);
    return check_exit_status();
}
