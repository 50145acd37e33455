/* osm_hours.c: the supported subset of OSM opening_hours: parse and evaluate; pure. */
#include "osm_hours.h"

#include "civil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY       1440
#define ALL_DAYS  0x7fu
#define SPAN_DAYS 3 /* a range may end at 48:00: it reaches two days on */

static const char *const weekday_names[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

struct parser {
    const char *text;
    size_t position;
    char *error;
    size_t error_size;
};

static void skip_spaces(struct parser *parser)
{
    while (parser->text[parser->position] == ' ')
        parser->position++;
}

static const char *here(const struct parser *parser)
{
    return parser->text + parser->position;
}

/* Refuse what stands at the position, naming it (a word, or one character). */
static int unsupported(struct parser *parser, const char *why)
{
    const char *start = here(parser);
    size_t length = 0;
    while (start[length] && (isalnum((unsigned char)start[length]) || start[length] == '_'))
        length++;
    if (length == 0 && start[0] != '\0')
        length = 1;
    if (start[0] == '\0')
        snprintf(parser->error, parser->error_size,
                 "unsupported opening_hours: unexpected end at position %zu (%s)", parser->position,
                 why);
    else
        snprintf(parser->error, parser->error_size,
                 "unsupported opening_hours construct '%.*s' at position %zu: %s", (int)length,
                 start, parser->position, why);
    return OSM_HOURS_ERROR_UNSUPPORTED;
}

static int weekday_at(const char *text)
{
    for (int day = 0; day < 7; day++) {
        if (strncmp(text, weekday_names[day], 2) == 0 && !isalpha((unsigned char)text[2]))
            return day;
    }
    return -1;
}

static bool is_ph_at(const char *text)
{
    return strncmp(text, "PH", 2) == 0 && !isalpha((unsigned char)text[2]);
}

static bool starts_selector(const char *text)
{
    return weekday_at(text) >= 0 || is_ph_at(text);
}

/* "Mo", "Mo-Fr" or "Su-Tu" (wrapping): the days as bits. */
static int parse_weekday_range(struct parser *parser, unsigned *days)
{
    int first = weekday_at(here(parser)), last;
    parser->position += 2;
    skip_spaces(parser);
    if (here(parser)[0] != '-') {
        *days |= 1u << first;
        return 0;
    }
    parser->position++;
    skip_spaces(parser);
    last = weekday_at(here(parser));
    if (last < 0)
        return unsupported(parser, "expected a weekday after '-'");
    parser->position += 2;
    for (int day = first;; day = (day + 1) % 7) {
        *days |= 1u << day;
        if (day == last)
            break;
    }
    return 0;
}

static int parse_selectors(struct parser *parser, struct osm_hours_rule *rule)
{
    for (;;) {
        int result = 0;
        skip_spaces(parser);
        if (is_ph_at(here(parser))) {
            rule->public_holiday = true;
            parser->position += 2;
        } else if (weekday_at(here(parser)) >= 0) {
            result = parse_weekday_range(parser, &rule->weekdays);
        } else {
            return 0;
        }
        if (result != 0)
            return result;
        skip_spaces(parser);
        /* ',' and another selector continue the list (Mo,We or Mo-Fr,PH). */
        if (here(parser)[0] == ',') {
            size_t save = parser->position++;
            skip_spaces(parser);
            if (!starts_selector(here(parser))) {
                parser->position = save;
                return 0;
            }
        } else {
            return 0;
        }
    }
}

/* "HH:MM" with hours up to max_hour (48 for ends); minutes from midnight. */
static int parse_clock(struct parser *parser, int max_hour, int *minutes)
{
    const char *text = here(parser);
    int hours;
    if (!isdigit((unsigned char)text[0]) || !isdigit((unsigned char)text[1]) || text[2] != ':' ||
        !isdigit((unsigned char)text[3]) || !isdigit((unsigned char)text[4]) || text[3] > '5')
        return unsupported(parser, "expected a time HH:MM");
    hours = (text[0] - '0') * 10 + (text[1] - '0');
    *minutes = hours * 60 + (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > max_hour || *minutes > max_hour * 60)
        return unsupported(parser, "time out of range");
    parser->position += 5;
    return 0;
}

static int parse_times(struct parser *parser, struct osm_hours_rule *rule)
{
    for (;;) {
        int start, end, result;
        skip_spaces(parser);
        result = parse_clock(parser, 24, &start);
        if (result == 0 && start == 24 * 60)
            result = unsupported(parser, "a range cannot start at 24:00");
        if (result != 0)
            return result;
        skip_spaces(parser);
        if (here(parser)[0] != '-')
            return unsupported(parser,
                               "expected '-' and an end time (open ends are not supported)");
        parser->position++;
        skip_spaces(parser);
        result = parse_clock(parser, 48, &end);
        if (result != 0)
            return result;
        if (rule->count == OSM_HOURS_RANGES_MAX)
            return unsupported(parser, "too many time ranges in one rule");
        /* An end not after the start runs into the next day (12:00-12:00 is 24 hours). */
        if (end <= start)
            end += DAY;
        rule->starts[rule->count] = start;
        rule->ends[rule->count++] = end;
        skip_spaces(parser);
        /* More ranges follow after ',' or a blank (Mo 12:00-14:00 16:00-18:00). */
        if (isdigit((unsigned char)here(parser)[0]))
            continue;
        if (here(parser)[0] != ',')
            return 0;
        {
            size_t save = parser->position++;
            skip_spaces(parser);
            if (!isdigit((unsigned char)here(parser)[0])) {
                parser->position = save;
                return 0;
            }
        }
    }
}

static bool take_word(struct parser *parser, const char *word)
{
    size_t length = strlen(word);
    if (strncmp(here(parser), word, length) != 0 || isalnum((unsigned char)here(parser)[length]))
        return false;
    parser->position += length;
    return true;
}

static int parse_rule(struct parser *parser, struct osm_hours_rule *rule)
{
    int result = parse_selectors(parser, rule);
    if (result != 0)
        return result;
    skip_spaces(parser);
    if (strncmp(here(parser), "24/7", 4) == 0) {
        parser->position += 4;
        rule->starts[0] = 0;
        rule->ends[0] = DAY;
        rule->count = 1;
    } else if (isdigit((unsigned char)here(parser)[0])) {
        result = parse_times(parser, rule);
        if (result != 0)
            return result;
    }
    skip_spaces(parser);
    if (take_word(parser, "off") || take_word(parser, "closed"))
        rule->off = true;
    else
        take_word(parser, "open");
    if (rule->weekdays == 0 && !rule->public_holiday)
        rule->weekdays = ALL_DAYS;
    return 0;
}

int osm_hours_parse(const char *text, struct osm_hours *hours, char *error, size_t error_size)
{
    struct parser parser = {text, 0, error, error_size};
    bool additional = false;

    memset(hours, 0, sizeof(*hours));
    for (;;) {
        struct osm_hours_rule rule = {0};
        size_t start;
        int result;

        skip_spaces(&parser);
        start = parser.position;
        if (here(&parser)[0] != '\0' && here(&parser)[0] != ';' && here(&parser)[0] != ',') {
            rule.additional = additional;
            result = parse_rule(&parser, &rule);
            if (result != 0)
                return result;
            if (parser.position == start)
                return unsupported(&parser, "outside the supported subset (weekdays, PH, times, "
                                            "24/7, open, off)");
            if (hours->count == OSM_HOURS_RULES_MAX)
                return unsupported(&parser, "too many rules");
            hours->rules[hours->count++] = rule;
        }
        skip_spaces(&parser);
        if (here(&parser)[0] == '\0')
            return 0;
        if (here(&parser)[0] == ';')
            additional = false;
        else if (here(&parser)[0] == ',')
            additional = true;
        else
            return unsupported(&parser, "outside the supported subset (weekdays, PH, times, 24/7, "
                                        "open, off)");
        parser.position++;
    }
}

/* --- evaluation --- */

/*
 * Each day is evaluated on its own: the rules in order contribute the parts
 * of their ranges that fall on it, from the day they select and from the
 * one or two days before (a range runs into the next day, up to 48:00). A
 * normal rule that selects the day first clears it, so a later rule
 * replaces the whole day, nights running into it included; an "off" with
 * times closes just those times; an additional (',') rule only adds.
 */
#define DAY_PARTS 64

struct day_parts {
    size_t count;
    int start[DAY_PARTS];
    int end[DAY_PARTS];
};

static void part_add(struct day_parts *day, int start, int end)
{
    if (end > start && day->count < DAY_PARTS) {
        day->start[day->count] = start;
        day->end[day->count++] = end;
    }
}

static void part_subtract(struct day_parts *day, int start, int end)
{
    size_t original = day->count;
    for (size_t i = 0; i < original; i++) {
        if (day->end[i] <= start || day->start[i] >= end)
            continue;
        if (day->start[i] < start && day->end[i] > end)
            part_add(day, end, day->end[i]);
        if (day->start[i] < start)
            day->end[i] = start;
        else if (day->end[i] > end)
            day->start[i] = end;
        else
            day->end[i] = day->start[i];
    }
}

static bool selects(const struct osm_hours_rule *rule, const struct calendar *calendar, int64_t day)
{
    return (rule->weekdays & (1u << civil_weekday(day))) ||
           (rule->public_holiday && calendar_lookup(calendar, day, NULL) == CALENDAR_DAY_OFF);
}

/* The parts of rule's ranges that fall on day, from the days (0..2 back) it selects. */
static void contributions(const struct osm_hours_rule *rule, const bool selected[SPAN_DAYS],
                          struct day_parts *parts)
{
    parts->count = 0;
    if (rule->count == 0) {
        if (selected[0])
            part_add(parts, 0, DAY);
        return;
    }
    for (int back = 0; back < SPAN_DAYS; back++) {
        if (!selected[back])
            continue;
        for (size_t i = 0; i < rule->count; i++) {
            int start = rule->starts[i] - back * DAY, end = rule->ends[i] - back * DAY;
            part_add(parts, start < 0 ? 0 : start, end > DAY ? DAY : end);
        }
    }
}

static void evaluate_day(const struct osm_hours *hours, const struct calendar *calendar,
                         int64_t day, struct day_parts *open)
{
    open->count = 0;
    for (size_t i = 0; i < hours->count; i++) {
        const struct osm_hours_rule *rule = &hours->rules[i];
        bool selected[SPAN_DAYS];
        struct day_parts parts;

        for (int back = 0; back < SPAN_DAYS; back++)
            selected[back] = selects(rule, calendar, day - back);
        contributions(rule, selected, &parts);
        if (rule->off && rule->count == 0) {
            if (selected[0])
                open->count = 0;
            continue;
        }
        if (rule->off) {
            for (size_t p = 0; p < parts.count; p++)
                part_subtract(open, parts.start[p], parts.end[p]);
            continue;
        }
        if (!rule->additional && selected[0])
            open->count = 0;
        for (size_t p = 0; p < parts.count; p++)
            part_add(open, parts.start[p], parts.end[p]);
    }
}

int osm_hours_windows(const struct osm_hours *hours, const struct calendar *calendar, int64_t from,
                      int64_t to, struct time_window **out, size_t *out_count)
{
    int64_t first_day = from >= 0 ? from / DAY : (from - DAY + 1) / DAY;
    int64_t last_day = to >= 0 ? to / DAY : (to - DAY + 1) / DAY;
    size_t capacity = (size_t)(last_day - first_day + 1) * DAY_PARTS + 1, count = 0;
    struct time_window *windows = calloc(capacity, sizeof(*windows));

    if (windows == NULL)
        return -1;
    for (int64_t day = first_day; day <= last_day; day++) {
        struct day_parts open;
        evaluate_day(hours, calendar, day, &open);
        for (size_t i = 0; i < open.count; i++) {
            int64_t start = day * DAY + open.start[i], end = day * DAY + open.end[i];
            if (start < from)
                start = from;
            if (end > to)
                end = to;
            if (end > start)
                windows[count++] = (struct time_window){start, end};
        }
    }
    *out = windows;
    *out_count = time_windows_merge(windows, count);
    return 0;
}
