/* test-calendar.c: holiday calendars: the native form and holiday-cn year imports. */
#include "calendar.h"
#include "check.h"
#include "civil.h"

#include <stdlib.h>

static int64_t day_of(const char *text)
{
    struct civil_date date;
    if (civil_date_parse(text, strlen(text), &date) != 0)
        return -1;
    return civil_days_from_date(date);
}

static enum calendar_day kind_of(const struct calendar *calendar, const char *date,
                                 const char **name)
{
    return calendar_lookup(calendar, day_of(date), name);
}

static json_t *parse(const char *text)
{
    json_t *document = json_loads(text, 0, NULL);
    CHECK(document != NULL);
    return document;
}

/* Merge a year file given as text; returns the result, error filled on refusal. */
static int merge(struct calendar *calendar, const char *text, struct field_error *error)
{
    json_t *file = parse(text);
    int result = calendar_merge_year(calendar, file, error);
    json_decref(file);
    return result;
}

/* Merge a year file the calendar must accept. */
static void expect_merged(struct calendar *calendar, const char *text)
{
    struct field_error error;
    CHECK_INT_EQ(merge(calendar, text, &error), 0);
}

static struct calendar *native(const char *text)
{
    json_t *document = parse(text);
    struct calendar *calendar = NULL;
    struct field_error error;
    CHECK_INT_EQ(calendar_parse(document, &calendar, &error), 0);
    json_decref(document);
    return calendar;
}

static void test_import_into_empty(void)
{
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    const char *name = NULL;

    expect_merged(calendar,
                  "{\"year\":2026,\"$schema\":\"s\",\"$id\":\"i\",\"papers\":[],\"days\":["
                  "{\"name\":\"春节\",\"date\":\"2026-02-17\",\"isOffDay\":true},"
                  "{\"name\":\"春节\",\"date\":\"2026-02-14\",\"isOffDay\":false}]}");
    CHECK_INT_EQ(calendar->count, 2);
    /* Kept sorted by day, whatever the file's order. */
    CHECK_INT_EQ(calendar->entries[0].day, day_of("2026-02-14"));
    CHECK_INT_EQ(calendar->entries[0].source_year, 2026);
    CHECK_INT_EQ(kind_of(calendar, "2026-02-17", &name), CALENDAR_DAY_OFF);
    CHECK_STR_EQ(name, "春节");
    CHECK_INT_EQ(kind_of(calendar, "2026-02-14", NULL), CALENDAR_DAY_MAKEUP_WORKDAY);
    CHECK_INT_EQ(kind_of(calendar, "2026-02-15", NULL), CALENDAR_DAY_ORDINARY);
    calendar_free(calendar);
}

static void test_import_replaces_its_year_only(void)
{
    struct calendar *calendar =
        native("{\"timezone\":\"Asia/Shanghai\",\"days\":["
               "{\"date\":\"2025-10-01\",\"kind\":\"holiday\",\"name\":\"国庆节\"},"
               "{\"date\":\"2026-05-01\",\"kind\":\"holiday\",\"name\":\"old\"},"
               "{\"date\":\"2026-05-09\",\"kind\":\"workday\",\"name\":\"old\"}]}");
    const char *name = NULL;

    expect_merged(calendar, "{\"year\":2026,\"days\":["
                            "{\"name\":\"劳动节\",\"date\":\"2026-05-04\",\"isOffDay\":true}]}");
    /* 2026's native entries went; 2025's stayed; the file's entry came. */
    CHECK_INT_EQ(calendar->count, 2);
    CHECK_INT_EQ(kind_of(calendar, "2025-10-01", NULL), CALENDAR_DAY_OFF);
    CHECK_INT_EQ(kind_of(calendar, "2026-05-01", NULL), CALENDAR_DAY_ORDINARY);
    CHECK_INT_EQ(kind_of(calendar, "2026-05-09", NULL), CALENDAR_DAY_ORDINARY);
    CHECK_INT_EQ(kind_of(calendar, "2026-05-04", &name), CALENDAR_DAY_OFF);
    CHECK_STR_EQ(name, "劳动节");
    /* Importing the year again replaces what the first import brought. */
    expect_merged(calendar, "{\"year\":2026,\"days\":["
                            "{\"name\":\"劳动节\",\"date\":\"2026-05-05\",\"isOffDay\":true}]}");
    CHECK_INT_EQ(calendar->count, 2);
    CHECK_INT_EQ(kind_of(calendar, "2026-05-04", NULL), CALENDAR_DAY_ORDINARY);
    CHECK_INT_EQ(kind_of(calendar, "2026-05-05", NULL), CALENDAR_DAY_OFF);
    calendar_free(calendar);
}

static void test_december_before(void)
{
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    struct field_error error;
    const char *name = NULL;

    /* 2006's file put 2006-12-30 as a workday; 2007's says New Year began then. */
    expect_merged(calendar, "{\"year\":2006,\"days\":["
                            "{\"name\":\"x\",\"date\":\"2006-12-30\",\"isOffDay\":false},"
                            "{\"name\":\"y\",\"date\":\"2006-10-01\",\"isOffDay\":true}]}");
    expect_merged(calendar, "{\"year\":2007,\"days\":["
                            "{\"name\":\"元旦\",\"date\":\"2006-12-30\",\"isOffDay\":true},"
                            "{\"name\":\"元旦\",\"date\":\"2007-01-01\",\"isOffDay\":true}]}");
    CHECK_INT_EQ(calendar->count, 3);
    CHECK_INT_EQ(kind_of(calendar, "2006-12-30", &name), CALENDAR_DAY_OFF);
    CHECK_STR_EQ(name, "元旦");
    CHECK_INT_EQ(calendar->entries[1].source_year, 2007); /* it belongs to 2007's file now */
    CHECK_INT_EQ(kind_of(calendar, "2006-10-01", NULL), CALENDAR_DAY_OFF);
    /* November before is too early. */
    CHECK_INT_EQ(merge(calendar,
                       "{\"year\":2007,\"days\":["
                       "{\"name\":\"z\",\"date\":\"2006-11-30\",\"isOffDay\":true}]}",
                       &error),
                 CALENDAR_ERROR_INVALID);
    CHECK_STR_EQ(error.field, "days[0].date");
    CHECK_STR_EQ(error.rule, "must lie in 2007 or the December before");
    calendar_free(calendar);
}

/* Each refused file leaves the calendar exactly as it was. */
static void expect_refusal(const char *file, const char *field, const char *rule)
{
    struct calendar *calendar =
        native("{\"timezone\":\"Asia/Shanghai\",\"days\":["
               "{\"date\":\"2026-01-01\",\"kind\":\"holiday\",\"name\":\"元旦\"}]}");
    struct field_error error = {{0}, {0}};
    json_t *before = calendar_to_json(calendar, 0), *after;

    CHECK_INT_EQ(merge(calendar, file, &error), CALENDAR_ERROR_INVALID);
    CHECK_STR_EQ(error.field, field);
    CHECK_STR_EQ(error.rule, rule);
    after = calendar_to_json(calendar, 0);
    CHECK(json_equal(before, after));
    CHECK_INT_EQ(calendar->count, 1);
    json_decref(before);
    json_decref(after);
    calendar_free(calendar);
}

static void test_refusals_leave_calendar_unchanged(void)
{
    expect_refusal("[]", "body", "must be a holiday-cn year file {year, days}");
    expect_refusal("{\"year\":2026,\"days\":[],\"extra\":1}", "extra", "unknown field");
    expect_refusal("{\"year\":1899,\"days\":[]}", "year", "must be an integer from 1900 to 2200");
    expect_refusal("{\"year\":2026}", "days", "must be an array");
    expect_refusal("{\"year\":2026,\"days\":[{\"name\":\"a\",\"date\":\"2026-01-01\","
                   "\"isOffDay\":true},{\"name\":\"b\",\"date\":\"2026-13-01\","
                   "\"isOffDay\":true}]}",
                   "days[1].date", "must be a date YYYY-MM-DD");
    expect_refusal("{\"year\":2026,\"days\":[{\"name\":\"a\",\"date\":\"2026-01-01\","
                   "\"isOffDay\":\"yes\"}]}",
                   "days[0].isOffDay", "must be true or false");
    expect_refusal("{\"year\":2026,\"days\":[{\"name\":\"a\",\"date\":\"2026-01-01\","
                   "\"isOffDay\":true,\"note\":1}]}",
                   "days[0].note", "unknown field");
    expect_refusal("{\"year\":2026,\"days\":[{\"name\":\"a\",\"date\":\"2026-10-01\","
                   "\"isOffDay\":true},{\"name\":\"b\",\"date\":\"2026-10-01\","
                   "\"isOffDay\":true}]}",
                   "days", "2026-10-01 is given twice");
    expect_refusal("{\"year\":2026,\"days\":[3]}", "days[0]",
                   "must be an object {name, date, isOffDay}");
}

static void test_line_form_for_logs(void)
{
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    json_t *file = parse("{\"year\":2026,\"days\":[{\"name\":\"a\",\"date\":\"2027-01-01\","
                         "\"isOffDay\":true}]}");
    char error[256];

    CHECK_INT_EQ(calendar_import_year(calendar, file, error, sizeof(error)),
                 CALENDAR_ERROR_INVALID);
    CHECK_STR_EQ(error, "days[0].date: must lie in 2026 or the December before");
    CHECK_INT_EQ(calendar->count, 0);
    json_decref(file);
    calendar_free(calendar);
}

int main(void)
{
    RUN_TEST(test_import_into_empty);
    RUN_TEST(test_import_replaces_its_year_only);
    RUN_TEST(test_december_before);
    RUN_TEST(test_refusals_leave_calendar_unchanged);
    RUN_TEST(test_line_form_for_logs);
    return check_exit_status();
}
