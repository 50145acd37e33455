/* civil.c: proleptic Gregorian calendar arithmetic on plain numbers; pure. */
#include "civil.h"

#include <stdio.h>
#include <string.h>

/*
 * Howard Hinnant's days_from_civil / civil_from_days: eras of 400 years
 * with March as the first month, so the leap day falls at a year's end.
 */
int64_t civil_days_from_date(struct civil_date date)
{
    int64_t year = date.year - (date.month <= 2);
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;
    int64_t month_from_march = date.month > 2 ? date.month - 3 : date.month + 9;
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

struct civil_date civil_date_from_days(int64_t days)
{
    int64_t shifted = days + 719468;
    int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    int64_t day_of_era = shifted - era * 146097;
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    struct civil_date date;

    date.day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    date.month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    date.year = (int)(year_of_era + era * 400 + (date.month <= 2));
    return date;
}

int civil_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t weekday = (days + 3) % 7;
    return (int)(weekday < 0 ? weekday + 7 : weekday);
}

int civil_days_in_month(int year, int month)
{
    static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && leap ? 29 : lengths[month - 1];
}

bool civil_date_is_valid(struct civil_date date)
{
    return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
           date.day >= 1 && date.day <= civil_days_in_month(date.year, date.month);
}

static int parse_digits(const char *text, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

int civil_date_parse(const char *text, size_t length, struct civil_date *date)
{
    struct civil_date parsed;
    if (length != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    parsed.year = parse_digits(text, 4);
    parsed.month = parse_digits(text + 5, 2);
    parsed.day = parse_digits(text + 8, 2);
    if (parsed.year < 0 || parsed.month < 0 || parsed.day < 0 || !civil_date_is_valid(parsed))
        return -1;
    *date = parsed;
    return 0;
}

void civil_date_format(struct civil_date date, char out[11])
{
    unsigned year = (unsigned)date.year % 10000u, month = (unsigned)date.month % 100u;
    unsigned day = (unsigned)date.day % 100u;
    snprintf(out, 11, "%04u-%02u-%02u", year, month, day);
}

static int parse_offset(const char *text, int64_t *offset_seconds)
{
    int hours, minutes;
    if (text[0] == 'Z' || text[0] == 'z') {
        *offset_seconds = 0;
        return text[1] == '\0' ? 0 : -1;
    }
    if ((text[0] != '+' && text[0] != '-') || text[3] != ':' || text[6] != '\0')
        return -1;
    hours = parse_digits(text + 1, 2);
    minutes = parse_digits(text + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
        return -1;
    *offset_seconds = (hours * 3600 + minutes * 60) * (text[0] == '-' ? -1 : 1);
    return 0;
}

int civil_parse_rfc3339(const char *text, int64_t *milliseconds)
{
    struct civil_date date;
    int hour, minute, second, fraction_ms = 0;
    int64_t offset;
    const char *rest;

    if (strlen(text) < 20 || civil_date_parse(text, 10, &date) != 0 ||
        (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
        return -1;
    hour = parse_digits(text + 11, 2);
    minute = parse_digits(text + 14, 2);
    second = parse_digits(text + 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return -1;
    rest = text + 19;
    if (*rest == '.') {
        int digits = 0;
        for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++) {
            if (digits < 3)
                fraction_ms = fraction_ms * 10 + (*rest - '0');
        }
        if (digits == 0)
            return -1;
        for (; digits < 3; digits++)
            fraction_ms *= 10;
    }
    if (parse_offset(rest, &offset) != 0)
        return -1;
    /* A leap second (:60) counts as the next second's start. */
    *milliseconds =
        ((civil_days_from_date(date) * 86400 + hour * 3600 + minute * 60 + second) - offset) *
            1000 +
        fraction_ms;
    return 0;
}

void civil_format_utc_ms(int64_t milliseconds, char out[25])
{
    int64_t seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000;
    int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    int64_t second_of_day = seconds - days * 86400;
    unsigned fraction = (unsigned)(milliseconds - seconds * 1000);
    struct civil_date date = civil_date_from_days(days);
    char day_text[11];

    civil_date_format(date, day_text);
    snprintf(out, 25, "%.10sT%02u:%02u:%02u.%03uZ", day_text,
             (unsigned)(second_of_day / 3600) % 24u, (unsigned)(second_of_day / 60 % 60),
             (unsigned)(second_of_day % 60), fraction % 1000u);
}
