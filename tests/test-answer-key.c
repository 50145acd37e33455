/* test-answer-key.c: every selection has a key of its own, and no two share one. */
#include "answer_key.h"
#include "check.h"

static const char *key(enum answer_key_format format, const char *city, const char *group,
                       const char *kind, const char *space, char *out)
{
    return answer_key_totals(format, city, group, kind, space, out, ANSWER_KEY_MAX) > 0 ? out : "";
}

/* The exact form: absent fields and lengths before values. */
static void test_the_key_names_each_field(void)
{
    char out[ANSWER_KEY_MAX];

    CHECK_STR_EQ(key(ANSWER_KEY_JSON, NULL, NULL, NULL, NULL, out), "totals.j|-|-|-|-");
    CHECK_STR_EQ(key(ANSWER_KEY_TEXT, "qz", "admin-centre", NULL, "charging", out),
                 "totals.t|2:qz|12:admin-centre|-|8:charging");
    CHECK_STR_EQ(key(ANSWER_KEY_JSON, "", NULL, NULL, NULL, out), "totals.j|0:|-|-|-");
}

/* Values holding the separators cannot make two selections meet. */
static void test_no_two_selections_share_a_key(void)
{
    char a[ANSWER_KEY_MAX], b[ANSWER_KEY_MAX];

    key(ANSWER_KEY_JSON, "a|-", NULL, NULL, NULL, a);
    key(ANSWER_KEY_JSON, "a", NULL, NULL, NULL, b);
    CHECK(strcmp(a, b) != 0);
    key(ANSWER_KEY_JSON, "a|1:b", NULL, NULL, NULL, a);
    key(ANSWER_KEY_JSON, "a", "b", NULL, NULL, b);
    CHECK(strcmp(a, b) != 0);
    key(ANSWER_KEY_JSON, NULL, "x", NULL, NULL, a);
    key(ANSWER_KEY_JSON, NULL, NULL, "x", NULL, b);
    CHECK(strcmp(a, b) != 0);
    key(ANSWER_KEY_JSON, NULL, NULL, NULL, NULL, a);
    key(ANSWER_KEY_TEXT, NULL, NULL, NULL, NULL, b);
    CHECK(strcmp(a, b) != 0);
    key(ANSWER_KEY_JSON, "", NULL, NULL, NULL, a);
    key(ANSWER_KEY_JSON, NULL, NULL, NULL, NULL, b);
    CHECK(strcmp(a, b) != 0);
}

/* A key that does not fit is refused, never cut short. */
static void test_a_key_too_long_is_refused(void)
{
    char small[21], value[ANSWER_KEY_MAX + 1];

    CHECK_INT_EQ(
        answer_key_totals(ANSWER_KEY_JSON, "abcdef", NULL, NULL, NULL, small, sizeof(small)), 0);
    /* "totals.j|3:abc|-|-|-": 20 bytes and the NUL. */
    CHECK_INT_EQ(answer_key_totals(ANSWER_KEY_JSON, "abc", NULL, NULL, NULL, small, sizeof(small)),
                 20);
    CHECK_INT_EQ(answer_key_totals(ANSWER_KEY_JSON, "abcd", NULL, NULL, NULL, small, sizeof(small)),
                 0);
    memset(value, 'x', ANSWER_KEY_MAX);
    value[ANSWER_KEY_MAX] = '\0';
    CHECK_INT_EQ(answer_key_totals(ANSWER_KEY_JSON, value, NULL, NULL, NULL, value, 0), 0);
}

int main(void)
{
    RUN_TEST(test_the_key_names_each_field);
    RUN_TEST(test_no_two_selections_share_a_key);
    RUN_TEST(test_a_key_too_long_is_refused);
    return check_exit_status();
}
