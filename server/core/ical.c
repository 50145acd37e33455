/* ical.c: RFC 5545 iCalendar text of a lot's openings; pure. */
#include "ical.h"

#include "civil.h"
#include "clock.h"
#include "growable.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOLD_OCTETS 75

/* A growing buffer; failed is set on the first allocation failure. */
struct text {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
};

static void append(struct text *text, const char *bytes, size_t count)
{
    if (text->failed)
        return;
    if (growable_reserve((void **)&text->data, &text->capacity, text->length + count + 1, 1) != 0) {
        text->failed = true;
        return;
    }
    memcpy(text->data + text->length, bytes, count);
    text->length += count;
    text->data[text->length] = '\0';
}

/* Escape a TEXT value (RFC 5545 3.3.11) into out. */
static void escape_text(const char *value, struct text *out)
{
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == ';' || *p == ',') {
            append(out, "\\", 1);
            append(out, p, 1);
        } else if (*p == '\n') {
            append(out, "\\n", 2);
        } else if (*p != '\r') {
            append(out, p, 1);
        }
    }
}

/*
 * Write one content line, folded (RFC 5545 3.1): at most 75 octets a line,
 * continuation lines begin with a space, and a UTF-8 sequence is never cut.
 */
static void write_line(struct text *out, const char *line, size_t length)
{
    size_t position = 0, limit = FOLD_OCTETS;
    while (length - position > limit) {
        size_t cut = position + limit;
        while (cut > position && ((unsigned char)line[cut] & 0xc0) == 0x80)
            cut--;
        append(out, line + position, cut - position);
        append(out, "\r\n ", 3);
        position = cut;
        limit = FOLD_OCTETS - 1; /* the leading space counts */
    }
    append(out, line + position, length - position);
    append(out, "\r\n", 2);
}

/* NAME:value with the value escaped as TEXT. */
static void write_text_property(struct text *out, const char *name, const char *value)
{
    struct text line = {0};
    append(&line, name, strlen(name));
    append(&line, ":", 1);
    escape_text(value, &line);
    if (line.failed)
        out->failed = true;
    else
        write_line(out, line.data, line.length);
    free(line.data);
}

static void write_plain_property(struct text *out, const char *name, const char *value)
{
    char line[256];
    int length = snprintf(line, sizeof(line), "%s:%s", name, value);
    write_line(out, line, length < (int)sizeof(line) ? (size_t)length : sizeof(line) - 1);
}

/* 20261124T100000Z */
static void format_utc(int64_t milliseconds, char out[17])
{
    int64_t seconds = milliseconds / 1000;
    int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    int64_t second_of_day = seconds - days * 86400;
    struct civil_date date = civil_date_from_days(days);
    snprintf(out, 17, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)date.year % 10000u,
             (unsigned)date.month % 100u, (unsigned)date.day % 100u,
             (unsigned)(second_of_day / 3600) % 100u, (unsigned)(second_of_day / 60 % 60),
             (unsigned)(second_of_day % 60));
}

static void write_event(struct text *out, const struct ical_calendar *calendar,
                        const struct ical_event *event, const char *stamp)
{
    char start[17], end[17], uid[200];

    bool instant = event->end_ms < 0;

    format_utc(event->start_ms, start);
    snprintf(uid, sizeof(uid), "%s-%s%s@parkshare", calendar->lot_id, start,
             instant ? "-leave-by" : "");
    write_plain_property(out, "BEGIN", "VEVENT");
    write_text_property(out, "UID", uid);
    write_plain_property(out, "DTSTAMP", stamp);
    write_plain_property(out, "DTSTART", start);
    /* A deadline is an instant: RFC 5545 3.6.1 ends it where it starts. */
    if (!instant) {
        format_utc(event->end_ms, end);
        write_plain_property(out, "DTEND", end);
    }
    write_text_property(out, "SUMMARY", event->summary ? event->summary : calendar->lot_name);
    if (calendar->location != NULL)
        write_text_property(out, "LOCATION", calendar->location);
    if (calendar->description != NULL)
        write_text_property(out, "DESCRIPTION", calendar->description);
    write_plain_property(out, "TRANSP", "TRANSPARENT");
    write_plain_property(out, "END", "VEVENT");
}

char *ical_render(const struct ical_calendar *calendar, const struct ical_event *events,
                  size_t count, size_t *length)
{
    struct text out = {0};
    char stamp[17];

    format_utc(calendar->stamp_ms, stamp);
    write_plain_property(&out, "BEGIN", "VCALENDAR");
    write_plain_property(&out, "VERSION", "2.0");
    write_plain_property(&out, "PRODID", "-//parkshare//lot openings//EN");
    write_plain_property(&out, "CALSCALE", "GREGORIAN");
    write_plain_property(&out, "METHOD", "PUBLISH");
    write_text_property(&out, "X-WR-CALNAME", calendar->lot_name);
    for (size_t i = 0; i < count; i++)
        write_event(&out, calendar, &events[i], stamp);
    write_plain_property(&out, "END", "VCALENDAR");
    if (out.failed) {
        free(out.data);
        return NULL;
    }
    *length = out.length;
    return out.data;
}

int ical_schedule_events(const struct schedule *schedule, const struct calendar *calendar,
                         const struct leave_by *rule, const char *leave_summary, int64_t from,
                         int64_t to, struct ical_event **out, size_t *out_count)
{
    struct time_window *windows = NULL;
    struct ical_event *events;
    int64_t last_deadline = -1;
    size_t count = 0, used = 0;

    if (schedule_windows(schedule, calendar, from, to, &windows, &count) != 0)
        return -1;
    events = calloc(2 * count + 1, sizeof(*events));
    for (size_t i = 0; events != NULL && i < count; i++) {
        int64_t deadline =
            windows[i].end < to ? leave_by_after(rule, calendar, windows[i].end) : -1;
        events[used++] =
            (struct ical_event){clock_utc_ms(windows[i].start), clock_utc_ms(windows[i].end), NULL};
        if (deadline >= 0 && deadline != last_deadline)
            events[used++] = (struct ical_event){clock_utc_ms(deadline), -1, leave_summary};
        if (deadline >= 0)
            last_deadline = deadline;
    }
    free(windows);
    *out = events;
    *out_count = used;
    return events != NULL ? 0 : -1;
}
