/* test-history.c: the 5-minute fold, its records' bytes, reading with carry, steps, imports. */
#include "check.h"
#include "history.h"

#include <stdlib.h>
#include <string.h>

/* 2026-11-02T00:00:00Z, a bucket and a day boundary. */
static const int64_t day_start = 1793577600LL;

static int64_t bucket_of(int64_t seconds)
{
    return seconds / HISTORY_BUCKET_SECONDS;
}

static void test_record_bytes_round_trip(void)
{
    struct history_record record = {123456, 299, 7, 100000, 99999, true}, back;
    unsigned char bytes[HISTORY_RECORD_BYTES];

    history_record_encode(&record, bytes);
    /* Little-endian, as Lua's struct.pack('<I4I2I4I4I4') writes it; last is stored plus one. */
    CHECK_INT_EQ(bytes[0], 0x40);
    CHECK_INT_EQ(bytes[1], 0xe2);
    CHECK_INT_EQ(bytes[2], 0x01);
    CHECK_INT_EQ(bytes[4], 299 & 0xff);
    CHECK_INT_EQ(bytes[14], 100000 & 0xff);
    back = history_record_decode(bytes);
    CHECK(back.present);
    CHECK_INT_EQ(back.sum, 123456);
    CHECK_INT_EQ(back.covered, 299);
    CHECK_INT_EQ(back.min, 7);
    CHECK_INT_EQ(back.max, 100000);
    CHECK_INT_EQ(back.last, 99999);
    memset(bytes, 0, sizeof(bytes));
    CHECK(!history_record_decode(bytes).present);
    record = (struct history_record){.present = true, .last = 0};
    history_record_encode(&record, bytes);
    CHECK(history_record_decode(bytes).present); /* a count of 0 is not "no record" */
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

int main(void)
{
    setenv("TZ", "UTC", 1);
    RUN_TEST(test_record_bytes_round_trip);
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
