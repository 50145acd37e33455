/* test-ical.c: iCalendar output, exact and as libical parses it. */
#include "calendar.h"
#include "check.h"
#include "civil.h"
#include "clock.h"
#include "ical.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <time.h>

static const int64_t noon = 1795489670000LL; /* 2026-11-24T03:07:50Z */

static void test_exact_small_calendar(void)
{
    struct ical_calendar calendar = {"gov-a", "Civic; East, \\ lot", "1 Road\nNorth", NULL, noon};
    struct ical_event event = {noon, noon + 3600000, NULL};
    size_t length = 0;
    char *text = ical_render(&calendar, &event, 1, &length);

    CHECK_STR_EQ(text, "BEGIN:VCALENDAR\r\n"
                       "VERSION:2.0\r\n"
                       "PRODID:-//parkshare//lot openings//EN\r\n"
                       "CALSCALE:GREGORIAN\r\n"
                       "METHOD:PUBLISH\r\n"
                       "X-WR-CALNAME:Civic\\; East\\, \\\\ lot\r\n"
                       "BEGIN:VEVENT\r\n"
                       "UID:gov-a-20261124T030750Z@parkshare\r\n"
                       "DTSTAMP:20261124T030750Z\r\n"
                       "DTSTART:20261124T030750Z\r\n"
                       "DTEND:20261124T040750Z\r\n"
                       "SUMMARY:Civic\\; East\\, \\\\ lot\r\n"
                       "LOCATION:1 Road\\nNorth\r\n"
                       "TRANSP:TRANSPARENT\r\n"
                       "END:VEVENT\r\n"
                       "END:VCALENDAR\r\n");
    CHECK_INT_EQ(length, strlen(text));
    free(text);
}

/* No line over 75 octets, and no UTF-8 sequence cut by a fold. */
static void test_folding(void)
{
    char name[1200] = "";
    struct ical_calendar calendar = {"gov-a", name, NULL, NULL, noon};
    size_t length = 0;
    char *text, *line;

    for (int i = 0; i < 100; i++)
        strcat(name, i % 3 ? "车位" : "a,");
    text = ical_render(&calendar, NULL, 0, &length);
    line = text;
    while (*line) {
        char *end = strstr(line, "\r\n");
        CHECK(end != NULL);
        if (end == NULL)
            break;
        CHECK(end - line <= 75);
        /* A continuation never starts inside a character. */
        if (line[0] == ' ')
            CHECK(((unsigned char)line[1] & 0xc0) != 0x80);
        line = end + 2;
    }
    free(text);
}

/* libical parses every event back, with the texts unescaped and unfolded. */
static void test_libical_parses_it(void)
{
    char name[1200] = "";
    struct ical_event events[3];
    struct ical_calendar calendar = {"rec-1", name, "清镇市; 云岭路, 1号", "free\non holidays",
                                     noon};
    size_t length = 0, events_seen = 0;
    icalcomponent *root, *event;
    char *text;

    for (int i = 0; i < 30; i++)
        strcat(name, "市政府大院停车场, ");
    /* libical drops a value's trailing blank, as many readers do: end on a character. */
    strcat(name, "终");
    for (int i = 0; i < 3; i++)
        events[i] =
            (struct ical_event){noon + i * 86400000LL, noon + i * 86400000LL + 7200000, NULL};
    text = ical_render(&calendar, events, 3, &length);
    root = icalparser_parse_string(text);
    CHECK(root != NULL);
    if (root == NULL) {
        free(text);
        return;
    }
    for (event = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); event != NULL;
         event = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        struct icaltimetype start = icalcomponent_get_dtstart(event);
        CHECK_STR_EQ(icalcomponent_get_summary(event), name);
        CHECK_STR_EQ(icalcomponent_get_location(event), "清镇市; 云岭路, 1号");
        CHECK_STR_EQ(icalcomponent_get_description(event), "free\non holidays");
        CHECK(icaltime_is_utc(start));
        CHECK_INT_EQ(icaltime_as_timet(start), (noon + (int64_t)events_seen * 86400000LL) / 1000);
        CHECK_INT_EQ(icaltime_as_timet(icalcomponent_get_dtend(event)) - icaltime_as_timet(start),
                     7200);
        events_seen++;
    }
    CHECK_INT_EQ(events_seen, 3);
    icalcomponent_free(root);
    free(text);
}

static int64_t local_ms(int month, int day, int hour, int minute)
{
    int64_t days = civil_days_from_date((struct civil_date){2026, month, day});
    return clock_utc_ms(days * SCHEDULE_MINUTES_PER_DAY + hour * 60 + minute);
}

/*
 * National Day 2026 for the agency lots: an opening each day from 10-01 to
 * 10-07 and one deadline, Thursday 10-08 07:30, as its own event; Saturday
 * 10-10 is a make-up workday (closed), Sunday 10-11 opens, out by Monday.
 */
static void test_deadlines_as_events(void)
{
    static const char leave[] = "请于次一工作日 07:30 前驶离 (leave by 07:30 on the next workday)";
    const struct leave_by rule = {LEAVE_BY_NEXT_WORKDAY, 450};
    struct calendar *calendar = calendar_new("Asia/Shanghai");
    json_t *hours =
        json_loads("{\"weekend\":\"07:00-22:00\",\"holiday\":\"07:00-22:00\"}", 0, NULL);
    struct ical_calendar about = {"gov-1", "市政府大院", NULL, NULL, noon};
    const char *root_path = getenv("PARKSHARE_SOURCE_ROOT");
    struct schedule *schedule = NULL;
    struct ical_event *events = NULL;
    size_t count = 0, length = 0, openings = 0, deadlines = 0;
    int64_t first = civil_days_from_date((struct civil_date){2026, 10, 1});
    char path[4096], error[256];
    icalcomponent *root, *event;
    json_t *file;
    char *text;

    snprintf(path, sizeof(path), "%s/tests/data/holiday-cn/2026.json", root_path ? root_path : ".");
    file = json_load_file(path, 0, NULL);
    CHECK(file != NULL && calendar_import_year(calendar, file, error, sizeof(error)) == 0);
    CHECK_INT_EQ(schedule_from_hours(hours, &schedule, error, sizeof(error)), 0);
    CHECK_INT_EQ(ical_schedule_events(schedule, calendar, &rule, leave, first * 1440,
                                      (first + 11) * 1440, &events, &count),
                 0);
    CHECK_INT_EQ(count, 10);
    text = ical_render(&about, events, count, &length);
    root = text ? icalparser_parse_string(text) : NULL;
    CHECK(root != NULL);
    for (event = root ? icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT) : NULL;
         event != NULL; event = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        time_t start = icaltime_as_timet(icalcomponent_get_dtstart(event));
        if (icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY) == NULL) {
            CHECK_STR_EQ(icalcomponent_get_summary(event), leave);
            CHECK_INT_EQ(
                start, (deadlines == 0 ? local_ms(10, 8, 7, 30) : local_ms(10, 12, 7, 30)) / 1000);
            CHECK(strstr(icalcomponent_get_uid(event), "-leave-by@parkshare") != NULL);
            deadlines++;
        } else {
            int day = openings < 7 ? (int)openings + 1 : 11;
            CHECK_STR_EQ(icalcomponent_get_summary(event), "市政府大院");
            CHECK_INT_EQ(start, local_ms(10, day, 7, 0) / 1000);
            CHECK_INT_EQ(icaltime_as_timet(icalcomponent_get_dtend(event)),
                         local_ms(10, day, 22, 0) / 1000);
            openings++;
        }
    }
    CHECK_INT_EQ(openings, 8);
    CHECK_INT_EQ(deadlines, 2);
    icalcomponent_free(root);
    free(text);
    free(events);
    schedule_free(schedule);
    json_decref(hours);
    json_decref(file);
    calendar_free(calendar);
}

int main(void)
{
    /* Local times are the deployment's: the daemon sets TZ before anything runs. */
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    RUN_TEST(test_exact_small_calendar);
    RUN_TEST(test_folding);
    RUN_TEST(test_libical_parses_it);
    RUN_TEST(test_deadlines_as_events);
    return check_exit_status();
}
