/* civil.h: proleptic Gregorian calendar arithmetic on plain numbers; pure. */
#ifndef PARKSHARE_CIVIL_H
#define PARKSHARE_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A calendar date. month is 1..12, day 1..31. */
struct civil_date {
    int year;
    int month;
    int day;
};

/* Days since 1970-01-01 of a date (negative before it). */
int64_t civil_days_from_date(struct civil_date date);

/* The date that lies days after 1970-01-01. */
struct civil_date civil_date_from_days(int64_t days);

/* Day of the week of a day number: 0 = Monday ... 6 = Sunday (ISO 8601). */
int civil_weekday(int64_t days);

/* Number of days in a month of a year. */
int civil_days_in_month(int year, int month);

/* Whether year/month/day names a real date (year 1..9999). */
bool civil_date_is_valid(struct civil_date date);

/*
 * Parse exactly "YYYY-MM-DD" (a real date) into *date; returns 0, or -1 on
 * any other text. Reads length bytes of text (no NUL needed).
 */
int civil_date_parse(const char *text, size_t length, struct civil_date *date);

/* Write "YYYY-MM-DD" and a NUL into out (11 bytes). */
void civil_date_format(struct civil_date date, char out[11]);

/*
 * Parse an RFC 3339 date-time ("2026-11-24T15:07:50Z",
 * "2026-11-24T23:07:50.5+08:00"; 'T' or 't', 'Z' or 'z') into milliseconds
 * since the epoch. Returns 0, or -1 on any other text.
 */
int civil_parse_rfc3339(const char *text, int64_t *milliseconds);

/* Write a UTC instant as "2026-11-24T15:07:50.123Z" and a NUL (25 bytes). */
void civil_format_utc_ms(int64_t milliseconds, char out[25]);

#endif
