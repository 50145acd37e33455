/* test-civil.c: Gregorian date arithmetic against known dates and a day-by-day walk. */
#include "check.h"
#include "civil.h"

static void test_known_dates(void)
{
    CHECK_INT_EQ(civil_days_from_date((struct civil_date){1970, 1, 1}), 0);
    CHECK_INT_EQ(civil_days_from_date((struct civil_date){2000, 3, 1}), 11017);
    CHECK_INT_EQ(civil_days_from_date((struct civil_date){1969, 12, 31}), -1);
    CHECK_INT_EQ(civil_days_from_date((struct civil_date){2026, 2, 14}), 20498);
    CHECK_INT_EQ(civil_weekday(civil_days_from_date((struct civil_date){2026, 2, 14})), 5);
    CHECK_INT_EQ(civil_weekday(civil_days_from_date((struct civil_date){2026, 11, 23})), 0);
    CHECK_INT_EQ(civil_weekday(-1), 2);
}

/* Walking 1900..2100 one day at a time agrees with the round trip. */
static void test_walk(void)
{
    struct civil_date date = {1900, 1, 1};
    int64_t days = civil_days_from_date(date);
    int mismatches = 0;
    while (date.year < 2100) {
        struct civil_date back = civil_date_from_days(days);
        if (back.year != date.year || back.month != date.month || back.day != date.day ||
            civil_days_from_date(date) != days)
            mismatches++;
        days++;
        if (++date.day > civil_days_in_month(date.year, date.month)) {
            date.day = 1;
            if (++date.month > 12) {
                date.month = 1;
                date.year++;
            }
        }
    }
    CHECK_INT_EQ(mismatches, 0);
}

static void test_parse_and_format(void)
{
    struct civil_date date = {0, 0, 0};
    char text[11];
    CHECK_INT_EQ(civil_date_parse("2024-02-29", 10, &date), 0);
    CHECK_INT_EQ(date.year, 2024);
    CHECK_INT_EQ(date.month, 2);
    CHECK_INT_EQ(date.day, 29);
    civil_date_format(date, text);
    CHECK_STR_EQ(text, "2024-02-29");
    CHECK_INT_EQ(civil_date_parse("2023-02-29", 10, &date), -1);
    CHECK_INT_EQ(civil_date_parse("2023-2-01", 9, &date), -1);
    CHECK_INT_EQ(civil_date_parse("2023-02-0x", 10, &date), -1);
    CHECK_INT_EQ(civil_date_parse("2023-13-01", 10, &date), -1);
    CHECK_INT_EQ(civil_date_parse("0000-01-01", 10, &date), -1);
}

static void test_rfc3339(void)
{
    int64_t ms = 0;
    char text[25];
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24T15:07:50Z", &ms), 0);
    CHECK_INT_EQ(ms, 1795489670000LL + 12 * 3600000LL);
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24T23:07:50.5+08:00", &ms), 0);
    CHECK_INT_EQ(ms, 1795489670500LL + 12 * 3600000LL);
    CHECK_INT_EQ(civil_parse_rfc3339("1969-12-31t23:59:59.999z", &ms), 0);
    CHECK_INT_EQ(ms, -1);
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24 15:07:50Z", &ms), -1);
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24T15:07:50", &ms), -1);
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24T25:07:50Z", &ms), -1);
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24T15:07:50.Z", &ms), -1);
    CHECK_INT_EQ(civil_parse_rfc3339("2026-11-24T15:07:50+0800", &ms), -1);
    civil_format_utc_ms(1795489670123LL, text);
    CHECK_STR_EQ(text, "2026-11-24T03:07:50.123Z");
    civil_format_utc_ms(-1, text);
    CHECK_STR_EQ(text, "1969-12-31T23:59:59.999Z");
}

int main(void)
{
    RUN_TEST(test_known_dates);
    RUN_TEST(test_walk);
    RUN_TEST(test_parse_and_format);
    RUN_TEST(test_rfc3339);
    return check_exit_status();
}
