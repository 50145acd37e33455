/* test-osm-hours.c: the OSM subset against the opening_hours.js cases, and its refusals. */
#include "check.h"
#include "civil.h"
#include "osm_hours.h"

#include <stdlib.h>

/* "2012-10-01 0:00" or "2012-10-01 10:00" in local minutes. */
static int64_t parse_local(const char *text)
{
    struct civil_date date;
    int hour = 0, minute = 0;
    if (civil_date_parse(text, 10, &date) != 0 || sscanf(text + 11, "%d:%d", &hour, &minute) != 2)
        return -1;
    return civil_days_from_date(date) * 1440 + hour * 60 + minute;
}

static void test_shared_cases(void)
{
    const char *root = getenv("PARKSHARE_SOURCE_ROOT");
    char path[4096];
    json_t *document, *item;
    size_t index, passed = 0, total = 0;

    snprintf(path, sizeof(path), "%s/tests/data/opening-hours-cases.json", root ? root : ".");
    document = json_load_file(path, 0, NULL);
    CHECK(document != NULL);
    json_array_foreach(json_object_get(document, "cases"), index, item)
    {
        const char *value = json_string_value(json_object_get(item, "value"));
        const json_t *expected = json_object_get(item, "expected");
        struct osm_hours hours;
        struct time_window *windows = NULL, merged[64];
        size_t count = 0, merged_count = 0, position;
        json_t *interval;
        char error[256];
        bool same;

        total++;
        if (osm_hours_parse(value, &hours, error, sizeof(error)) != 0) {
            fprintf(stderr, "case %zu '%s': %s\n", index, value, error);
            continue;
        }
        /* The expected intervals, merged where they touch. */
        json_array_foreach(expected, position, interval)
        {
            int64_t start = parse_local(json_string_value(json_array_get(interval, 0)));
            int64_t end = parse_local(json_string_value(json_array_get(interval, 1)));
            if (merged_count > 0 && merged[merged_count - 1].end >= start)
                merged[merged_count - 1].end = end;
            else if (merged_count < 64)
                merged[merged_count++] = (struct time_window){start, end};
        }
        osm_hours_windows(
            &hours, NULL, parse_local(json_string_value(json_object_get(item, "from"))),
            parse_local(json_string_value(json_object_get(item, "to"))), &windows, &count);
        same = count == merged_count;
        for (size_t i = 0; same && i < count; i++)
            same = windows[i].start == merged[i].start && windows[i].end == merged[i].end;
        if (same) {
            passed++;
        } else {
            fprintf(stderr, "case %zu '%s': %zu windows, expected %zu\n", index, value, count,
                    merged_count);
            for (size_t i = 0; i < count && i < 4; i++)
                fprintf(stderr, "   got %lld-%lld\n", (long long)windows[i].start,
                        (long long)windows[i].end);
            for (size_t i = 0; i < merged_count && i < 4; i++)
                fprintf(stderr, "  want %lld-%lld\n", (long long)merged[i].start,
                        (long long)merged[i].end);
        }
        free(windows);
    }
    fprintf(stderr, "opening_hours.js cases: %zu of %zu pass\n", passed, total);
    CHECK(total > 80);
    CHECK_INT_EQ(passed, total);
    json_decref(document);
}

static void test_refusals_name_the_construct(void)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"Jan 10:00-12:00", "unsupported opening_hours construct 'Jan' at position 0: outside the "
                            "supported subset (weekdays, PH, times, 24/7, open, off)"},
        {"Mo 10:00-12:00 \"closed for lunch\"",
         "unsupported opening_hours construct '\"' at position 15: outside the supported subset "
         "(weekdays, PH, times, 24/7, open, off)"},
        {"sunrise-sunset", "unsupported opening_hours construct 'sunrise' at position 0: outside "
                           "the supported subset (weekdays, PH, times, 24/7, open, off)"},
        {"Mo[1] 10:00-12:00", "unsupported opening_hours construct '[' at position 2: outside the "
                              "supported subset (weekdays, PH, times, 24/7, open, off)"},
        {"10:00+", "unsupported opening_hours construct '+' at position 5: expected '-' and an end "
                   "time (open ends are not supported)"},
        {"Mo 25:00-26:00", "unsupported opening_hours construct '25' at position 3: time out of "
                           "range"},
        {"Mo-", "unsupported opening_hours: unexpected end at position 3 (expected a weekday after "
                "'-')"},
        {"SH off", "unsupported opening_hours construct 'SH' at position 0: outside the supported "
                   "subset (weekdays, PH, times, 24/7, open, off)"},
        {"Mo 10:00-12:00 || Tu 10:00-12:00",
         "unsupported opening_hours construct '|' at position 15: outside the supported subset "
         "(weekdays, PH, times, 24/7, open, off)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct osm_hours hours;
        char error[256] = "";
        CHECK_INT_EQ(osm_hours_parse(cases[i].text, &hours, error, sizeof(error)),
                     OSM_HOURS_ERROR_UNSUPPORTED);
        CHECK_STR_EQ(error, cases[i].message);
    }
}

int main(void)
{
    RUN_TEST(test_shared_cases);
    RUN_TEST(test_refusals_name_the_construct);
    return check_exit_status();
}
