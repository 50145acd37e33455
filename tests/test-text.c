/* test-text.c: characters of UTF-8 text, and control characters with and without line breaks. */
#include "check.h"
#include "text.h"

static void test_characters_not_bytes(void)
{
    CHECK_INT_EQ((int)text_characters(""), 0);
    CHECK_INT_EQ((int)text_characters("lot"), 3);
    /* 市政府 is 9 bytes, 3 characters; 😀 is 4 bytes, 1 character. */
    CHECK_INT_EQ((int)text_characters("市政府"), 3);
    CHECK_INT_EQ((int)text_characters("a😀b"), 3);
}

static void test_control_characters(void)
{
    CHECK(!text_has_control("City Hall 市政府", false));
    CHECK(text_has_control("two\nlines", false));
    CHECK(!text_has_control("two\r\nlines\tand a tab", true));
    CHECK(text_has_control("bell\a", true));
    CHECK(text_has_control("delete\x7f", true));
    CHECK(text_has_control("\x01", false));
}

int main(void)
{
    RUN_TEST(test_characters_not_bytes);
    RUN_TEST(test_control_characters);
    return check_exit_status();
}
