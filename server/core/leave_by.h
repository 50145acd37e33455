/* leave_by.h: a lot's leave-by deadline: when cars that entered must be out; pure. */
#ifndef PARKSHARE_LEAVE_BY_H
#define PARKSHARE_LEAVE_BY_H

#include "calendar.h"
#include "field_error.h"
#include "schedule.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum leave_by_error {
    LEAVE_BY_ERROR_INVALID = FIELD_ERROR_INVALID, /* the field error names the member */
};

/* Which day the deadline falls on, counted from the end of entry. */
enum leave_by_on {
    LEAVE_BY_NONE = 0,     /* the lot has no deadline */
    LEAVE_BY_SAME_DAY,     /* the first time-of-day at or after entry closes */
    LEAVE_BY_NEXT_WORKDAY, /* that time on the first workday at or after entry closes */
};

/* A lot's rule {"time": "HH:MM", "on": "next_workday" | "same_day"}. */
struct leave_by {
    enum leave_by_on on;
    int minute; /* minutes from midnight, 0..1439 */
};

/*
 * Parse the lot's "leave_by" member strictly (NULL value: no deadline, *rule
 * is LEAVE_BY_NONE). Unknown members, a time that does not exist ("24:00",
 * "07:60") and an unknown "on" are refused with *error naming
 * "leave_by.time", "leave_by.on" or "leave_by". Returns 0 or
 * LEAVE_BY_ERROR_INVALID.
 */
int leave_by_parse(const json_t *value, struct leave_by *rule, struct field_error *error);

/* The rule as {"time", "on"}: a new reference, or NULL (no rule, or no memory). */
json_t *leave_by_to_json(const struct leave_by *rule);

/*
 * The deadline, in local minutes, for cars that could enter until
 * entry_end (local minutes): for same_day the first rule time at or after
 * entry_end; for next_workday the rule time on the first day the calendar
 * makes a workday (make-up workdays included) that is at or after
 * entry_end. calendar may be NULL. -1 without a rule or when no workday
 * comes within SCHEDULE_HORIZON_DAYS.
 */
int64_t leave_by_after(const struct leave_by *rule, const struct calendar *calendar,
                       int64_t entry_end);

/*
 * The deadline that applies at local minute now: while the lot is open, the
 * one of the entry window now is in; after entry closes, the one of the
 * last window until it passes. -1 when none applies (no rule, passed, or
 * the window does not end within SCHEDULE_HORIZON_DAYS).
 */
int64_t leave_by_at(const struct leave_by *rule, const struct schedule *schedule,
                    const struct calendar *calendar, int64_t now);

/*
 * The deadline of a day for the schedule answer: that of the last entry
 * window that is open during the day (local day number), or -1 when the
 * day has no entry or there is no rule.
 */
int64_t leave_by_for_day(const struct leave_by *rule, const struct schedule *schedule,
                         const struct calendar *calendar, int64_t day);

/* The languages a rule is said in. */
enum leave_by_language {
    LEAVE_BY_CHINESE = 0,
    LEAVE_BY_ENGLISH,
};

/*
 * The rule said in one language, for texts of one language (the DATEX II
 * publications): "请于次一工作日 07:30 前驶离" or "Leave by 07:30 on the
 * next workday"; an empty string without a rule. 64 bytes are enough.
 */
void leave_by_say(const struct leave_by *rule, enum leave_by_language language, char *out,
                  size_t size);

/*
 * The rule said for people, for the answer's note, "请于次一工作日 07:30 前驶离
 * (leave by 07:30 on the next workday)"; an empty string without a rule.
 */
void leave_by_note(const struct leave_by *rule, char *out, size_t size);

#endif
