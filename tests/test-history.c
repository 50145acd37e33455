/* test-history.c: the 5-minute fold, its records' bytes, reading with carry, steps, imports. */
#include "check.h"
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 2026-11-02T00:00:00Z, a bucket and a day boundary. */
static const int64_t day_start = 1793577600LL;

static int64_t bucket_of(int64_t seconds)
{
    return seconds / HISTORY_BUCKET_SECONDS;
}

static void test_day_bytes_round_trip(void)
{
    struct history_record records[3] = {
        {123456, 299, 7, 100000, 99999, true}, {0}, {.present = true, .covered = 300, .last = 0}};
    struct history_record day[HISTORY_BUCKETS_PER_DAY];
    unsigned char bytes[3 * HISTORY_RECORD_BYTES];

    /* Buckets 285, 286 (absent: left out) and 287, the day's last. */
    CHECK_INT_EQ(history_day_encode(records, 3, 285, bytes), 2 * HISTORY_RECORD_BYTES);
    /* Little-endian, as Lua's struct.pack('<I2I4I2I3I3I3') writes it. */
    CHECK_INT_EQ(bytes[0], 285 & 0xff);
    CHECK_INT_EQ(bytes[1], 285 >> 8);
    CHECK_INT_EQ(bytes[2], 0x40);
    CHECK_INT_EQ(bytes[3], 0xe2);
    CHECK_INT_EQ(bytes[4], 0x01);
    CHECK_INT_EQ(bytes[6], 299 & 0xff);
    CHECK_INT_EQ(bytes[11], 100000 & 0xff);
    CHECK_INT_EQ(bytes[13], 100000 >> 16);
    CHECK_INT_EQ(bytes[HISTORY_RECORD_BYTES], 287 & 0xff);
    CHECK_INT_EQ(history_day_decode(bytes, 2 * HISTORY_RECORD_BYTES, day), 2);
    CHECK(day[285].present);
    CHECK_INT_EQ(day[285].sum, 123456);
    CHECK_INT_EQ(day[285].covered, 299);
    CHECK_INT_EQ(day[285].min, 7);
    CHECK_INT_EQ(day[285].max, 100000);
    CHECK_INT_EQ(day[285].last, 99999);
    CHECK(!day[286].present);
    CHECK(day[287].present); /* a count of 0 is a record */
    CHECK_INT_EQ(day[287].last, 0);
    CHECK(!day[0].present);
    /* A torn record or a bucket outside the day is refused. */
    CHECK_INT_EQ(history_day_decode(bytes, HISTORY_RECORD_BYTES + 1, day), -1);
    bytes[0] = 0x38;
    bytes[1] = 0x01; /* bucket 312: after the last hourly record (288 + 23) */
    CHECK_INT_EQ(history_day_decode(bytes, 2 * HISTORY_RECORD_BYTES, day), -1);
    /* A quiet day is one record: the layout is sparse. */
    CHECK_INT_EQ(history_day_encode(records, 1, 0, bytes), HISTORY_RECORD_BYTES);
}

static void test_fold_same_bucket_and_across(void)
{
    struct history_record records[4] = {0};
    int64_t first = bucket_of(day_start);

    /* First report of 10 at 00:01:00: taken to have held since 00:00. */
    history_fold(records, first, 4, false, 0, 0, 10, day_start + 60);
    CHECK_INT_EQ(records[0].sum, 600);
    CHECK_INT_EQ(records[0].covered, 60);
    /* 30 at 00:03:00, in the same bucket. */
    history_fold(records, first, 4, true, 10, day_start + 60, 30, day_start + 180);
    CHECK_INT_EQ(records[0].sum, 600 + 10 * 120);
    CHECK_INT_EQ(records[0].covered, 180);
    CHECK_INT_EQ(records[0].min, 10);
    CHECK_INT_EQ(records[0].max, 30);
    CHECK_INT_EQ(records[0].last, 30);
    /* 20 at 00:16:40: bucket 0 is finished at 30, bucket 1 and 2 stay absent. */
    history_fold(records, first, 4, true, 30, day_start + 180, 20, day_start + 1000);
    CHECK_INT_EQ(records[0].sum, 1800 + 30 * 120);
    CHECK_INT_EQ(records[0].covered, 300);
    CHECK(!records[1].present);
    CHECK(!records[2].present);
    CHECK_INT_EQ(records[3].sum, 30 * 100);
    CHECK_INT_EQ(records[3].covered, 100);
    CHECK_INT_EQ(records[3].min, 20);
    CHECK_INT_EQ(records[3].max, 30);
    CHECK_INT_EQ(records[3].last, 20);
}

static void test_fold_at_bucket_start_and_backwards_clock(void)
{
    struct history_record records[2] = {0};
    int64_t first = bucket_of(day_start);

    history_fold(records, first, 2, false, 0, 0, 10, day_start + 10);
    /* A change exactly at a bucket's start: the old count never held there. */
    history_fold(records, first, 2, true, 10, day_start + 10, 40, day_start + 300);
    CHECK_INT_EQ(records[1].min, 40);
    CHECK_INT_EQ(records[1].max, 40);
    CHECK_INT_EQ(records[1].sum, 0);
    /* The previous change is later than now (a clock stepped back): no time is counted. */
    history_fold(records, first, 2, true, 40, day_start + 400, 5, day_start + 350);
    CHECK_INT_EQ(records[1].sum, 0);
    CHECK_INT_EQ(records[1].min, 5);
}

static void test_points_carry_and_tail(void)
{
    struct history_record records[4] = {0};
    struct history_point points[4];
    int64_t first = bucket_of(day_start);

    history_fold(records, first, 4, false, 0, 0, 10, day_start);
    history_fold(records, first, 4, true, 10, day_start, 40, day_start + 60);
    /* Read at 00:12:30: bucket 0 has 1 min at 10 and 4 at 40 (the tail holds the last). */
    history_points_5m(records, first, 4, -1, (day_start + 750) * 1000, points);
    CHECK(points[0].known);
    CHECK_INT_EQ((int64_t)(points[0].mean * 100), 3400);
    CHECK_INT_EQ(points[0].min, 10);
    CHECK_INT_EQ(points[0].max, 40);
    CHECK(points[1].known); /* carried */
    CHECK_INT_EQ((int64_t)points[1].mean, 40);
    CHECK_INT_EQ(points[1].min, 40);
    CHECK(points[2].known);  /* in progress, carried */
    CHECK(!points[3].known); /* after now */
    /* Nothing before and no carry: unknown. */
    memset(records, 0, sizeof(records));
    history_points_5m(records, first, 4, -1, (day_start + 3000) * 1000, points);
    CHECK(!points[0].known);
    history_points_5m(records, first, 4, 7, (day_start + 3000) * 1000, points);
    CHECK(points[3].known);
    CHECK_INT_EQ(points[3].last, 7);
}

static void test_merge_into_hours(void)
{
    struct history_point points[24];
    int64_t bounds[3] = {day_start * 1000, (day_start + 3600) * 1000, (day_start + 7200) * 1000};
    struct history_point out[2];

    for (int i = 0; i < 24; i++)
        points[i] = (struct history_point){(day_start + 300 * i) * 1000, i != 5, i, i, i + 1, i};
    points[23].known = false;
    history_points_merge(points, 24, bounds, 2, out);
    CHECK(out[0].known);
    /* Hour 0: buckets 0..11 except 5: (66 - 5) / 11. */
    CHECK_INT_EQ((int64_t)(out[0].mean * 1000), 5545);
    CHECK_INT_EQ(out[0].min, 0);
    CHECK_INT_EQ(out[0].max, 12);
    CHECK_INT_EQ(out[0].last, 11);
    CHECK_INT_EQ(out[1].last, 22); /* 23 is unknown */
    CHECK_INT_EQ(out[1].min, 12);
    CHECK_INT_EQ(out[0].time_ms, bounds[0]);
}

static void test_bounds(void)
{
    int64_t *bounds = NULL;
    size_t steps = 0;
    struct field_error error;
    int64_t from = (day_start + 130) * 1000, to = (day_start + 3600) * 1000 - 1;

    CHECK_INT_EQ(history_bounds(from, to, HISTORY_STEP_5M, &bounds, &steps, &error), 0);
    CHECK_INT_EQ(steps, 12);
    CHECK_INT_EQ(bounds[0], day_start * 1000);
    CHECK_INT_EQ(bounds[12], (day_start + 3600) * 1000);
    free(bounds);
    CHECK_INT_EQ(history_bounds(to, from, HISTORY_STEP_5M, &bounds, &steps, &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.field, "from");
    CHECK_STR_EQ(error.rule, "must not be after to");
    CHECK(bounds == NULL);
    /* 10,000 5-minute points is 34.7 days: 35 days is refused, 34 taken. */
    CHECK_INT_EQ(
        history_bounds(from, from + 35 * 86400000LL, HISTORY_STEP_5M, &bounds, &steps, &error),
        HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.field, "step");
    CHECK_INT_EQ(
        history_bounds(from, from + 34 * 86400000LL, HISTORY_STEP_5M, &bounds, &steps, &error), 0);
    CHECK_INT_EQ(steps, 34 * 288 + 1);
    free(bounds);
    CHECK_INT_EQ(
        history_bounds(from, from + 3 * 86400000LL, HISTORY_STEP_1D, &bounds, &steps, &error), 0);
    CHECK_INT_EQ(steps, 4);
    CHECK_INT_EQ(bounds[1] - bounds[0], 86400000LL); /* TZ=UTC in this test */
    free(bounds);
}

static void test_step_names(void)
{
    enum history_step step;
    CHECK_INT_EQ(history_step_parse("1h", &step), 0);
    CHECK_INT_EQ(step, HISTORY_STEP_1H);
    CHECK_INT_EQ(history_step_parse("1d", &step), 0);
    CHECK_STR_EQ(history_step_name(step), "1d");
    CHECK_INT_EQ(history_step_parse("2m", &step), -1);
    CHECK_INT_EQ(history_step_parse("", &step), -1);
    CHECK_INT_EQ(history_step_parse(NULL, &step), -1);
}

static int import_error(const char *text, struct field_error *error)
{
    json_t *body = json_loads(text, 0, NULL);
    int64_t *times, *counts;
    size_t count;
    int result = history_import_parse(body, 50, (day_start - 86400) * 1000, day_start * 1000,
                                      &times, &counts, &count, error);
    free(times);
    free(counts);
    json_decref(body);
    return result;
}

static void test_import_refusals(void)
{
    struct field_error error;

    CHECK_INT_EQ(import_error("[{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":3},"
                              "{\"time\":\"2026-11-01T09:00:00Z\",\"occupied\":4}]",
                              &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.rule, "[1].time must be after [0].time");
    CHECK_INT_EQ(import_error("[{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":3},"
                              "{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":4}]",
                              &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.rule, "[1].time must be after [0].time");
    CHECK_INT_EQ(import_error("[{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":51}]", &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.rule, "[0].occupied must be an integer from 0 to the capacity 50");
    CHECK_INT_EQ(import_error("[{\"time\":\"2026-11-03T10:00:00Z\",\"occupied\":1}]", &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.rule, "[0].time is in the future");
    CHECK_INT_EQ(import_error("[{\"time\":\"2026-10-30T10:00:00Z\",\"occupied\":1}]", &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.rule, "[0].time is older than history_days keeps");
    CHECK_INT_EQ(
        import_error("[{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":1,\"x\":1}]", &error),
        HISTORY_ERROR_INVALID);
    CHECK_INT_EQ(import_error("{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":1}", &error),
                 HISTORY_ERROR_INVALID);
    CHECK_STR_EQ(error.field, "samples");
    CHECK_INT_EQ(import_error("[]", &error), HISTORY_ERROR_INVALID);
    CHECK_INT_EQ(import_error("[{\"time\":\"2026-11-01T10:00:00Z\",\"occupied\":50}]", &error), 0);
}

static void test_import_fold_is_the_live_fold(void)
{
    int64_t times[] = {(day_start + 60) * 1000, (day_start + 180) * 1000,
                       (day_start + 1000) * 1000};
    int64_t counts[] = {10, 30, 20};
    struct history_record live[4] = {0}, *imported = NULL;
    int64_t first = bucket_of(day_start), imported_first = 0;
    size_t buckets = 0;

    history_fold(live, first, 4, false, 0, 0, 10, day_start + 60);
    history_fold(live, first, 4, true, 10, day_start + 60, 30, day_start + 180);
    history_fold(live, first, 4, true, 30, day_start + 180, 20, day_start + 1000);
    CHECK_INT_EQ(history_import_fold(times, counts, 3, &imported, &imported_first, &buckets), 0);
    CHECK_INT_EQ(imported_first, first);
    CHECK_INT_EQ(buckets, 4);
    for (size_t i = 0; i < 4; i++) {
        CHECK_INT_EQ(imported[i].present, live[i].present);
        CHECK_INT_EQ(imported[i].sum, live[i].sum);
        CHECK_INT_EQ(imported[i].covered, live[i].covered);
        CHECK_INT_EQ(imported[i].min, live[i].min);
        CHECK_INT_EQ(imported[i].max, live[i].max);
        CHECK_INT_EQ(imported[i].last, live[i].last);
    }
    free(imported);
}

/*
 * Days older than the detail kept are hourly records (288 + hour) over the
 * end of the hour that had a known count: read back, each covered bucket
 * holds the hour's mean, the ones before carry the count before, so an
 * hour's step is the same time-weighted mean as from the 5-minute records.
 */
static void test_hourly_records_read_back_as_their_hour(void)
{
    /* Hour 1: 30 minutes known, mean 20.5 (sum 20.5 x 1800 s), min 10, max 40, last 12. */
    struct history_record hour = {36900, 1800, 10, 40, 12, true};
    struct history_record day[HISTORY_BUCKETS_PER_DAY];
    struct history_point points[24], out[2];
    unsigned char bytes[HISTORY_RECORD_BYTES];
    int64_t bounds[3] = {day_start * 1000, (day_start + 3600) * 1000, (day_start + 7200) * 1000};

    CHECK_INT_EQ(history_day_encode(&hour, 1, HISTORY_HOURLY_FIRST + 1, bytes),
                 HISTORY_RECORD_BYTES);
    CHECK_INT_EQ(history_day_decode(bytes, HISTORY_RECORD_BYTES, day), 1);
    for (size_t b = 12; b < 18; b++)
        CHECK(!day[b].present); /* the first half of hour 1 was not known */
    for (size_t b = 18; b < 24; b++) {
        CHECK(day[b].present);
        CHECK_INT_EQ(day[b].sum, 6150); /* 20.5 x 300 */
        CHECK_INT_EQ(day[b].covered, 300);
        CHECK_INT_EQ(day[b].min, 10);
        CHECK_INT_EQ(day[b].max, 40);
        CHECK_INT_EQ(day[b].last, 12);
    }
    /* With 8 carried in from before: hour 1 is (8 x 1800 + 20.5 x 1800) / 3600 = 14.25. */
    history_points_5m(day, bucket_of(day_start), 24, 8, (day_start + 86400) * 1000, points);
    history_points_merge(points, 24, bounds, 2, out);
    CHECK_INT_EQ((int64_t)(out[0].mean * 100), 800);
    CHECK_INT_EQ((int64_t)(out[1].mean * 100), 1425);
    CHECK_INT_EQ(out[1].min, 8);
    CHECK_INT_EQ(out[1].max, 40);
    CHECK_INT_EQ(out[1].last, 12);
}

/* A day's 1-hour steps from its records, carrying carry in. */
static void hours_of(const struct history_record *day, int64_t carry, struct history_point *out)
{
    static struct history_point points[HISTORY_BUCKETS_PER_DAY];
    int64_t bounds[25];

    for (size_t i = 0; i <= 24; i++)
        bounds[i] = (day_start + 3600 * (int64_t)i) * 1000;
    history_points_5m(day, bucket_of(day_start), HISTORY_BUCKETS_PER_DAY, carry,
                      (day_start + 86400) * 1000, points);
    history_points_merge(points, HISTORY_BUCKETS_PER_DAY, bounds, 24, out);
}

/* Made hourly (as occupancy.lua does for old days, and an import of one), a day reads the same. */
static void test_a_day_made_hourly_reads_the_same_by_the_hour(void)
{
    static struct history_record day[HISTORY_BUCKETS_PER_DAY], back[HISTORY_BUCKETS_PER_DAY];
    struct history_record hours[24];
    struct history_point before[24], after[24];
    unsigned char bytes[24 * HISTORY_RECORD_BYTES];
    int64_t first = bucket_of(day_start);
    int64_t previous = 0, old = 0;
    bool seen = false;

    memset(day, 0, sizeof(day));
    /* Changes at irregular times from 01:37:10, some buckets without one. */
    for (int64_t t = 5830; t < 86400; t += 173 + (t % 7) * 151) {
        int64_t next = (t * 37) % 400;
        history_fold(day, first, HISTORY_BUCKETS_PER_DAY, seen, old, day_start + previous, next,
                     day_start + t);
        previous = t;
        old = next;
        seen = true;
    }
    history_day_hourly(day, hours);
    CHECK(!hours[0].present); /* no count known before 01:37 */
    CHECK(hours[1].present);
    CHECK_INT_EQ(hours[1].covered, 1500); /* from 01:35, the first count's bucket, to 02:00 */
    CHECK_INT_EQ(history_day_encode(hours, 24, HISTORY_HOURLY_FIRST, bytes),
                 23 * HISTORY_RECORD_BYTES);
    CHECK_INT_EQ(history_day_decode(bytes, 23 * HISTORY_RECORD_BYTES, back), 23);
    hours_of(day, 5, before);
    hours_of(back, 5, after);
    for (size_t h = 0; h < 24; h++) {
        CHECK_INT_EQ(after[h].known, before[h].known);
        CHECK_INT_EQ(after[h].min, before[h].min);
        CHECK_INT_EQ(after[h].max, before[h].max);
        CHECK_INT_EQ(after[h].last, before[h].last);
        CHECK(fabs(after[h].mean - before[h].mean) < 0.005);
    }
}

/*
 * A group's buckets fold the SUM of its lots' counts as it changes (what
 * occupancy.lua does for each group of the lot written). Two lots moving in
 * opposite directions within one bucket: the group's own minimum and
 * maximum are the true ones, where summing the lots' extremes is not.
 */
static void test_group_fold_keeps_the_sums_own_extremes(void)
{
    struct history_record lot_a[1] = {0}, lot_b[1] = {0}, group[1] = {0};
    int64_t first = bucket_of(day_start);
    int64_t a = 10, b = 30, sum;

    /* At 00:00:00 a holds 10 and b 30 (they held them before): the group 40. */
    history_fold(lot_a, first, 1, false, 0, 0, a, day_start);
    history_fold(lot_b, first, 1, false, 0, 0, b, day_start);
    sum = a + b;
    history_fold(group, first, 1, false, 0, 0, sum, day_start);
    /* 00:01:00: a fills to 30 while b empties to 10 (at 00:01:00 and 00:02:00). */
    history_fold(lot_a, first, 1, true, a, day_start, 30, day_start + 60);
    history_fold(group, first, 1, true, sum, day_start, sum - a + 30, day_start + 60);
    sum = sum - a + 30;
    a = 30;
    history_fold(lot_b, first, 1, true, b, day_start, 10, day_start + 120);
    history_fold(group, first, 1, true, sum, day_start + 60, sum - b + 10, day_start + 120);
    sum = sum - b + 10;
    b = 10;
    /* The group was 40, then 60 for a minute, then 40: its own min 40 and max 60. */
    CHECK_INT_EQ(group[0].min, 40);
    CHECK_INT_EQ(group[0].max, 60);
    CHECK_INT_EQ(group[0].last, 40);
    CHECK_INT_EQ(group[0].sum, 40 * 60 + 60 * 60);
    CHECK_INT_EQ(group[0].covered, 120);
    /* Summing the lots' extremes gives 20 and 60, a minimum the group never had. */
    CHECK_INT_EQ(lot_a[0].min + lot_b[0].min, 20);
    CHECK_INT_EQ(lot_a[0].max + lot_b[0].max, 60);
    CHECK_INT_EQ(sum, a + b);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    RUN_TEST(test_day_bytes_round_trip);
    RUN_TEST(test_hourly_records_read_back_as_their_hour);
    RUN_TEST(test_a_day_made_hourly_reads_the_same_by_the_hour);
    RUN_TEST(test_group_fold_keeps_the_sums_own_extremes);
    RUN_TEST(test_fold_same_bucket_and_across);
    RUN_TEST(test_fold_at_bucket_start_and_backwards_clock);
    RUN_TEST(test_points_carry_and_tail);
    RUN_TEST(test_merge_into_hours);
    RUN_TEST(test_bounds);
    RUN_TEST(test_step_names);
    RUN_TEST(test_import_refusals);
    RUN_TEST(test_import_fold_is_the_live_fold);
    return check_exit_status();
}
