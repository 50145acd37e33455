/* test-redact.c: passwords taken out of redis URLs and out of text that may echo them. */
#include "check.h"
#include "redact.h"

#include <string.h>

static void check_url(const char *url, const char *expected)
{
    char out[256];
    size_t needed = redact_url(url, out, sizeof(out));
    CHECK_STR_EQ(out, expected);
    CHECK_INT_EQ(needed, strlen(expected));
}

static void test_url_passwords_are_replaced(void)
{
    check_url("redis://user:secret@host:6379/0", "redis://user:***@host:6379/0");
    check_url("redis://:secret@10.0.0.5", "redis://:***@10.0.0.5");
    /* The parser takes the last '@': a password holding '@', ':' or '/' goes whole. */
    check_url("redis://u:p@ss:w/rd@host:1/2", "redis://u:***@host:1/2");
    /* No colon: the user information may be a bare password. */
    check_url("redis://secret@host", "redis://***@host");
    check_url("rediss://a:b@h", "rediss://a:***@h");
    /* An assignment as --set takes it, and text with no scheme. */
    check_url("redis=redis://:hunter2@h:0", "redis=redis://:***@h:0");
    check_url(":pw@h:6379", ":***@h:6379");
}

static void test_urls_without_credentials_are_unchanged(void)
{
    check_url("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3");
    check_url("unix:/run/redis.sock", "unix:/run/redis.sock");
    check_url("embedded", "embedded");
    check_url("", "");
}

static void test_a_cut_url_never_shows_the_password(void)
{
    char out[16];
    /* "redis://user:" is 13 bytes; the mark does not fit whole after it. */
    size_t needed = redact_url("redis://user:secret@host", out, sizeof(out));
    CHECK_STR_EQ(out, "redis://user:");
    CHECK_INT_EQ(needed, strlen("redis://user:***@host"));
    needed = redact_url("redis://user:secret@host", out, 0);
    CHECK_INT_EQ(needed, strlen("redis://user:***@host"));
}

static void test_known_secret_is_replaced_everywhere(void)
{
    char out[128];
    size_t needed = redact_secret("WRONGPASS for 'pa55' (pa55)", "pa55", out, sizeof(out));
    CHECK_STR_EQ(out, "WRONGPASS for '***' (***)");
    CHECK_INT_EQ(needed, strlen(out));
    redact_secret("NOAUTH Authentication required.", "pa55", out, sizeof(out));
    CHECK_STR_EQ(out, "NOAUTH Authentication required.");
    redact_secret("nothing to hide", NULL, out, sizeof(out));
    CHECK_STR_EQ(out, "nothing to hide");
    redact_secret("nothing to hide", "", out, sizeof(out));
    CHECK_STR_EQ(out, "nothing to hide");
    redact_secret("secretsecret", "secret", out, sizeof(out));
    CHECK_STR_EQ(out, "******");
}

static void test_a_cut_text_never_shows_part_of_the_secret(void)
{
    char out[8];
    size_t needed = redact_secret("ab topsecret", "topsecret", out, sizeof(out));
    /* "ab " then the mark "***" fits in 7 bytes: nothing of the secret. */
    CHECK_STR_EQ(out, "ab ***");
    CHECK_INT_EQ(needed, 6);
    needed = redact_secret("abcdef topsecret", "topsecret", out, sizeof(out));
    CHECK_STR_EQ(out, "abcdef ");
    CHECK_INT_EQ(needed, 10);
}

int main(void)
{
    RUN_TEST(test_url_passwords_are_replaced);
    RUN_TEST(test_urls_without_credentials_are_unchanged);
    RUN_TEST(test_a_cut_url_never_shows_the_password);
    RUN_TEST(test_known_secret_is_replaced_everywhere);
    RUN_TEST(test_a_cut_text_never_shows_part_of_the_secret);
    return check_exit_status();
}
