/* test-redis-log.c: redis-server's log lines read into a level and a message. */
#include "check.h"
#include "redis_log.h"

static void check_line(const char *line, enum log_level want_level, const char *want_message)
{
    enum log_level level = LOG_LEVEL_ERROR;
    const char *message = NULL;
    redis_log_parse_line(line, &level, &message);
    CHECK_INT_EQ(level, want_level);
    CHECK_STR_EQ(message, want_message);
}

static void test_marks(void)
{
    check_line("4321:M 29 Nov 2026 20:10:51.123 * Ready to accept connections unix", LOG_LEVEL_INFO,
               "Ready to accept connections unix");
    check_line("4321:M 29 Nov 2026 20:10:51.123 # Redis is now ready to exit, bye bye...",
               LOG_LEVEL_WARNING, "Redis is now ready to exit, bye bye...");
    check_line("4321:M 29 Nov 2026 20:10:51.123 - Accepted client", LOG_LEVEL_DEBUG,
               "Accepted client");
    check_line("4321:S 9 Nov 2026 08:00:00.000 . DB 0: 1 keys", LOG_LEVEL_DEBUG, "DB 0: 1 keys");
    check_line("7:C 29 Nov 2026 20:10:51.000 # oO0OoO0OoO0Oo Redis is starting", LOG_LEVEL_WARNING,
               "oO0OoO0OoO0Oo Redis is starting");
    check_line("4321:M 29 Nov 2026 20:10:51.123 * ", LOG_LEVEL_INFO, "");
}

/* What does not have the shape is kept whole, as a warning. */
static void test_other_lines(void)
{
    check_line("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***", LOG_LEVEL_WARNING,
               "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***");
    check_line("", LOG_LEVEL_WARNING, "");
    check_line("4321:Q 29 Nov 2026 20:10:51.123 * x", LOG_LEVEL_WARNING,
               "4321:Q 29 Nov 2026 20:10:51.123 * x");
    check_line("4321:M 29 Nov 2026 20:10:51.123 ! x", LOG_LEVEL_WARNING,
               "4321:M 29 Nov 2026 20:10:51.123 ! x");
    check_line("4321:M 29 Nov 2026", LOG_LEVEL_WARNING, "4321:M 29 Nov 2026");
    check_line("4321:M 29 Nov 2026 20:10:51.123 *x", LOG_LEVEL_WARNING,
               "4321:M 29 Nov 2026 20:10:51.123 *x");
    check_line(":M 29 Nov 2026 20:10:51.123 * x", LOG_LEVEL_WARNING,
               ":M 29 Nov 2026 20:10:51.123 * x");
    check_line("4321:M", LOG_LEVEL_WARNING, "4321:M");
}

int main(void)
{
    RUN_TEST(test_marks);
    RUN_TEST(test_other_lines);
    return check_exit_status();
}
