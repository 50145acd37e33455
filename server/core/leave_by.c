/* leave_by.c: a lot's leave-by deadline: when cars that entered must be out; pure. */
#include "leave_by.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far back an entry window that ended may still carry a deadline:
 * the longest run of days off (Spring Festival with weekends) is far shorter. */
#define LOOK_BACK_DAYS 40

/* "HH:MM" from 00:00 to 23:59: a deadline at 24:00 is 00:00 of the next day. */
static int parse_time(const char *text)
{
    if (text == NULL || strlen(text) != 5 || text[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++) {
        if (i != 2 && (text[i] < '0' || text[i] > '9'))
            return -1;
    }
    int hours = (text[0] - '0') * 10 + (text[1] - '0');
    int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59)
        return -1;
    return hours * 60 + minutes;
}

int leave_by_parse(const json_t *value, struct leave_by *rule, struct field_error *error)
{
    const char *on, *key;
    json_t *member;

    memset(rule, 0, sizeof(*rule));
    if (value == NULL)
        return 0;
    if (!json_is_object(value))
        return field_error_set(error, "leave_by",
                               "must be an object such as {\"time\": \"07:30\", \"on\": "
                               "\"next_workday\"}");
    json_object_foreach((json_t *)value, key, member)
    {
        if (strcmp(key, "time") != 0 && strcmp(key, "on") != 0)
            return field_error_set_member(error, "leave_by", key,
                                          "unknown field; expected time and on");
    }
    rule->minute = parse_time(json_string_value(json_object_get(value, "time")));
    if (rule->minute < 0)
        return field_error_set(error, "leave_by.time", "must be a time of day from 00:00 to 23:59");
    on = json_string_value(json_object_get(value, "on"));
    if (on != NULL && strcmp(on, "next_workday") == 0)
        rule->on = LEAVE_BY_NEXT_WORKDAY;
    else if (on != NULL && strcmp(on, "same_day") == 0)
        rule->on = LEAVE_BY_SAME_DAY;
    else
        return field_error_set(error, "leave_by.on", "must be \"next_workday\" or \"same_day\"");
    return 0;
}

json_t *leave_by_to_json(const struct leave_by *rule)
{
    char time[8];
    if (rule->on == LEAVE_BY_NONE)
        return NULL;
    snprintf(time, sizeof(time), "%02d:%02d", rule->minute / 60 % 100, rule->minute % 60);
    return json_pack("{s:s, s:s}", "time", time, "on",
                     rule->on == LEAVE_BY_NEXT_WORKDAY ? "next_workday" : "same_day");
}

static bool is_workday(const struct calendar *calendar, int64_t day)
{
    enum schedule_day_type type = schedule_day_type(calendar, day, NULL);
    return type == SCHEDULE_DAY_WORKDAY || type == SCHEDULE_DAY_MAKEUP_WORKDAY;
}

/* Floor division: local minutes before 1970 are negative. */
static int64_t day_of(int64_t minute)
{
    return minute >= 0 ? minute / SCHEDULE_MINUTES_PER_DAY
                       : (minute - SCHEDULE_MINUTES_PER_DAY + 1) / SCHEDULE_MINUTES_PER_DAY;
}

int64_t leave_by_after(const struct leave_by *rule, const struct calendar *calendar,
                       int64_t entry_end)
{
    int64_t day = day_of(entry_end);

    if (rule->on == LEAVE_BY_NONE)
        return -1;
    /* The rule time of entry_end's own day may already be behind it. */
    if (day * SCHEDULE_MINUTES_PER_DAY + rule->minute < entry_end)
        day++;
    if (rule->on == LEAVE_BY_SAME_DAY)
        return day * SCHEDULE_MINUTES_PER_DAY + rule->minute;
    for (int i = 0; i < SCHEDULE_HORIZON_DAYS; i++, day++) {
        if (is_workday(calendar, day))
            return day * SCHEDULE_MINUTES_PER_DAY + rule->minute;
    }
    return -1;
}

int64_t leave_by_at(const struct leave_by *rule, const struct schedule *schedule,
                    const struct calendar *calendar, int64_t now)
{
    const int64_t back = (int64_t)LOOK_BACK_DAYS * SCHEDULE_MINUTES_PER_DAY;
    struct time_window *windows = NULL;
    int64_t next_change = -1, deadline = -1;
    size_t count = 0;

    if (rule->on == LEAVE_BY_NONE)
        return -1;
    /* Open: the window in force ends at the next change. */
    if (schedule_open_at(schedule, calendar, now, &next_change))
        return next_change >= 0 ? leave_by_after(rule, calendar, next_change) : -1;
    /* Closed: the last window that ended, if its deadline is still ahead. */
    if (schedule_windows(schedule, calendar, now - back, now, &windows, &count) != 0)
        return -1;
    if (count > 0)
        deadline = leave_by_after(rule, calendar, windows[count - 1].end);
    free(windows);
    return deadline > now ? deadline : -1;
}

int64_t leave_by_for_day(const struct leave_by *rule, const struct schedule *schedule,
                         const struct calendar *calendar, int64_t day)
{
    /* Look past the day so that a window running on into the next day keeps its real end. */
    const int64_t from = day * SCHEDULE_MINUTES_PER_DAY;
    const int64_t to = from + (int64_t)LOOK_BACK_DAYS * SCHEDULE_MINUTES_PER_DAY;
    struct time_window *windows = NULL;
    int64_t deadline = -1;
    size_t count = 0, last = 0;

    if (rule->on == LEAVE_BY_NONE ||
        schedule_windows(schedule, calendar, from, to, &windows, &count) != 0)
        return -1;
    for (size_t i = 0; i < count && windows[i].start < from + SCHEDULE_MINUTES_PER_DAY; i++)
        last = i + 1;
    /* A window that lasts the whole look-ahead has no end to count from. */
    if (last > 0 && windows[last - 1].end < to)
        deadline = leave_by_after(rule, calendar, windows[last - 1].end);
    free(windows);
    return deadline;
}

void leave_by_say(const struct leave_by *rule, enum leave_by_language language, char *out,
                  size_t size)
{
    int hours = rule->minute / 60 % 100, minutes = rule->minute % 60;
    bool english = language == LEAVE_BY_ENGLISH;

    if (rule->on == LEAVE_BY_NEXT_WORKDAY)
        snprintf(out, size,
                 english ? "Leave by %02d:%02d on the next workday"
                         : "请于次一工作日 %02d:%02d 前驶离",
                 hours, minutes);
    else if (rule->on == LEAVE_BY_SAME_DAY)
        snprintf(out, size,
                 english ? "Leave by %02d:%02d the same day" : "请于当日 %02d:%02d 前驶离", hours,
                 minutes);
    else if (size > 0)
        out[0] = '\0';
}

void leave_by_note(const struct leave_by *rule, char *out, size_t size)
{
    char chinese[64], english[64];

    leave_by_say(rule, LEAVE_BY_CHINESE, chinese, sizeof(chinese));
    leave_by_say(rule, LEAVE_BY_ENGLISH, english, sizeof(english));
    /* The English said within the Chinese sentence: "… (leave by …)". */
    english[0] = (char)tolower((unsigned char)english[0]);
    if (chinese[0] != '\0')
        snprintf(out, size, "%s (%s)", chinese, english);
    else if (size > 0)
        out[0] = '\0';
}
