/* test-time-window.c: merging open intervals of local time. */
#include "check.h"
#include "time_window.h"

#define DAY 1440

static void test_empty_input(void)
{
    struct time_window none[1] = {{0, 0}};
    CHECK_INT_EQ(time_windows_merge(none, 0), 0);
}

static void test_sorts_and_keeps_apart(void)
{
    struct time_window windows[] = {{600, 700}, {100, 200}, {300, 400}};
    CHECK_INT_EQ(time_windows_merge(windows, 3), 3);
    CHECK_INT_EQ(windows[0].start, 100);
    CHECK_INT_EQ(windows[0].end, 200);
    CHECK_INT_EQ(windows[1].start, 300);
    CHECK_INT_EQ(windows[1].end, 400);
    CHECK_INT_EQ(windows[2].start, 600);
    CHECK_INT_EQ(windows[2].end, 700);
}

static void test_touching_days_become_one(void)
{
    /* Two 24h days in a row are one window: [start, end) touch at midnight. */
    struct time_window windows[] = {{DAY, 2 * DAY}, {0, DAY}};
    CHECK_INT_EQ(time_windows_merge(windows, 2), 1);
    CHECK_INT_EQ(windows[0].start, 0);
    CHECK_INT_EQ(windows[0].end, 2 * DAY);
}

static void test_overlap_and_containment(void)
{
    struct time_window windows[] = {{480, 720}, {600, 900}, {620, 640}, {1000, 1001}};
    CHECK_INT_EQ(time_windows_merge(windows, 4), 2);
    CHECK_INT_EQ(windows[0].start, 480);
    CHECK_INT_EQ(windows[0].end, 900); /* a window inside another does not shorten it */
    CHECK_INT_EQ(windows[1].start, 1000);
    CHECK_INT_EQ(windows[1].end, 1001);
}

static void test_empty_and_backwards_windows_dropped(void)
{
    /* A gap of one minute stays a gap; empty and reversed windows vanish. */
    struct time_window windows[] = {{300, 300}, {200, 100}, {0, 60}, {61, 120}, {500, 400}};
    CHECK_INT_EQ(time_windows_merge(windows, 5), 2);
    CHECK_INT_EQ(windows[0].start, 0);
    CHECK_INT_EQ(windows[0].end, 60);
    CHECK_INT_EQ(windows[1].start, 61);
    CHECK_INT_EQ(windows[1].end, 120);
}

static void test_negative_minutes(void)
{
    /* The day before is in negative minutes; a night shift crosses midnight. */
    struct time_window windows[] = {{0, 360}, {-120, 0}};
    CHECK_INT_EQ(time_windows_merge(windows, 2), 1);
    CHECK_INT_EQ(windows[0].start, -120);
    CHECK_INT_EQ(windows[0].end, 360);
}

int main(void)
{
    RUN_TEST(test_empty_input);
    RUN_TEST(test_sorts_and_keeps_apart);
    RUN_TEST(test_touching_days_become_one);
    RUN_TEST(test_overlap_and_containment);
    RUN_TEST(test_empty_and_backwards_windows_dropped);
    RUN_TEST(test_negative_minutes);
    return check_exit_status();
}
