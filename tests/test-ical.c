/* test-ical.c: iCalendar output, exact and as libical parses it. */
#include "check.h"
#include "ical.h"

#include <libical/ical.h>
#include <stdlib.h>

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

int main(void)
{
    RUN_TEST(test_exact_small_calendar);
    RUN_TEST(test_folding);
    RUN_TEST(test_libical_parses_it);
    return check_exit_status();
}
