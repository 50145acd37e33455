/* test-sentinel.c: Sentinel's +switch-master messages and master addresses, read strictly. */
#include "check.h"
#include "sentinel.h"

#include <string.h>

static int parse(const char *text, char *host, uint16_t *port)
{
    return sentinel_parse_switch(text, strlen(text), "mymaster", host, port);
}

static void test_switch_names_the_new_master(void)
{
    char host[SENTINEL_HOST_MAX + 1] = "";
    uint16_t port = 0;

    CHECK_INT_EQ(parse("mymaster 127.0.0.1 6379 127.0.0.2 6380", host, &port), 0);
    CHECK_STR_EQ(host, "127.0.0.2");
    CHECK_INT_EQ(port, 6380);
    CHECK_INT_EQ(parse("mymaster ::1 6379 ::1 7001", host, &port), 0);
    CHECK_STR_EQ(host, "::1");
    CHECK_INT_EQ(port, 7001);
}

static void test_switch_of_another_master_is_ignored(void)
{
    char host[SENTINEL_HOST_MAX + 1] = "unchanged";
    uint16_t port = 1;

    CHECK_INT_EQ(parse("othermaster 10.0.0.1 6379 10.0.0.2 6379", host, &port),
                 SENTINEL_ERROR_OTHER_MASTER);
    /* A prefix of the name is another master. */
    CHECK_INT_EQ(parse("mymaster2 10.0.0.1 6379 10.0.0.2 6379", host, &port),
                 SENTINEL_ERROR_OTHER_MASTER);
    CHECK_STR_EQ(host, "unchanged");
    CHECK_INT_EQ(port, 1);
}

static void test_malformed_switch_changes_nothing(void)
{
    static const char *const cases[] = {
        "",
        "mymaster",
        "mymaster 10.0.0.1 6379 10.0.0.2",
        "mymaster 10.0.0.1 6379 10.0.0.2 6379 extra",
        "mymaster 10.0.0.1 6379 10.0.0.2 0",
        "mymaster 10.0.0.1 6379 10.0.0.2 65536",
        "mymaster 10.0.0.1 6379 10.0.0.2 63a9",
        "mymaster 10.0.0.1 6379 10.0.0.2 -1",
        "mymaster  10.0.0.1 6379 10.0.0.2 6379",
        "mymaster 10.0.0.1 6379 10.0.0.2 6379 ",
    };
    char host[SENTINEL_HOST_MAX + 1] = "unchanged";
    uint16_t port = 1;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_INT_EQ(parse(cases[i], host, &port), SENTINEL_ERROR_MALFORMED);
        CHECK_STR_EQ(host, "unchanged");
        CHECK_INT_EQ(port, 1);
    }
}

static void test_a_switch_is_read_within_its_length(void)
{
    char host[SENTINEL_HOST_MAX + 1] = "";
    uint16_t port = 0;
    const char text[] = "mymaster 10.0.0.1 6379 10.0.0.2 6380trailing";

    CHECK_INT_EQ(sentinel_parse_switch(text, strlen(text) - 8, "mymaster", host, &port), 0);
    CHECK_STR_EQ(host, "10.0.0.2");
    CHECK_INT_EQ(port, 6380);
}

static void test_master_address(void)
{
    uint16_t port = 1;
    char long_host[SENTINEL_HOST_MAX + 2];

    CHECK_INT_EQ(sentinel_parse_address("10.0.0.2", 8, "6380", &port), 0);
    CHECK_INT_EQ(port, 6380);
    CHECK_INT_EQ(sentinel_parse_address("", 0, "6380", &port), SENTINEL_ERROR_MALFORMED);
    CHECK_INT_EQ(sentinel_parse_address("a b", 3, "6380", &port), SENTINEL_ERROR_MALFORMED);
    CHECK_INT_EQ(sentinel_parse_address("h", 1, "", &port), SENTINEL_ERROR_MALFORMED);
    CHECK_INT_EQ(sentinel_parse_address("h", 1, "0", &port), SENTINEL_ERROR_MALFORMED);
    CHECK_INT_EQ(sentinel_parse_address("h", 1, "99999", &port), SENTINEL_ERROR_MALFORMED);
    memset(long_host, 'a', sizeof(long_host) - 1);
    long_host[sizeof(long_host) - 1] = '\0';
    CHECK_INT_EQ(sentinel_parse_address(long_host, strlen(long_host), "6379", &port),
                 SENTINEL_ERROR_MALFORMED);
    CHECK_INT_EQ(port, 6380);
}

int main(void)
{
    RUN_TEST(test_switch_names_the_new_master);
    RUN_TEST(test_switch_of_another_master_is_ignored);
    RUN_TEST(test_malformed_switch_changes_nothing);
    RUN_TEST(test_a_switch_is_read_within_its_length);
    RUN_TEST(test_master_address);
    return check_exit_status();
}
