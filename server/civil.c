/* civil.c: proleptic Gregorian calendar arithmetic on plain numbers; pure. */
#include "civil.h"

#include <stdio.h>

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
