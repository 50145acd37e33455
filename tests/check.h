/* check.h: the tiny assertion kit every unit test uses. */
#ifndef PARKSHARE_TESTS_CHECK_H
#define PARKSHARE_TESTS_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * Each CHECK records a failure and carries on, so one run reports every
 * broken expectation of a test, not only the first. check_failures is the
 * test program's only global and lives in the program that includes this.
 */
static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT_EQ(actual, expected)                                                             \
    do {                                                                                           \
        long long check_a_ = (long long)(actual), check_e_ = (long long)(expected);                \
        check_count++;                                                                             \
        if (check_a_ != check_e_) {                                                                \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #actual,     \
                    check_a_, check_e_);                                                           \
        }                                                                                          \
    } while (0)

#define CHECK_STR_EQ(actual, expected)                                                             \
    do {                                                                                           \
        const char *check_a_ = (actual), *check_e_ = (expected);                                   \
        check_count++;                                                                             \
        if (check_a_ == NULL || check_e_ == NULL ? check_a_ != check_e_                            \
                                                 : strcmp(check_a_, check_e_) != 0) {              \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
                    check_a_ ? check_a_ : "(null)", check_e_ ? check_e_ : "(null)");               \
        }                                                                                          \
    } while (0)

/* Name a finished test in the output: failed when checks failed since failures_before. */
static inline void check_report_test(const char *name, int failures_before)
{
    fprintf(stderr, "%s %s\n", check_failures == failures_before ? "ok  " : "FAIL", name);
}

/* Run one test function and name it in the output. */
#define RUN_TEST(fn)                                                                               \
    do {                                                                                           \
        int check_before_ = check_failures;                                                        \
        fn();                                                                                      \
        check_report_test(#fn, check_before_);                                                     \
    } while (0)

/* Run one test function on a fixture the program prepared once, e.g. loaded data. */
#define RUN_TEST_WITH(fn, fixture)                                                                 \
    do {                                                                                           \
        int check_before_ = check_failures;                                                        \
        fn(fixture);                                                                               \
        check_report_test(#fn, check_before_);                                                     \
    } while (0)

/* The exit status of a test program: 0 when every check held. */
static inline int check_exit_status(void)
{
    fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
