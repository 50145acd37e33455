/* test-big-digits.c: the terminal board's block letters and their centring. */
#include "big_digits.h"
#include "check.h"

#include <string.h>

static void test_one_digit_exact_rows(void)
{
    char out[256];
    size_t length = big_digits_render("0", out, sizeof(out));
    CHECK_STR_EQ(out, " ### \n"
                      "#   #\n"
                      "#  ##\n"
                      "# # #\n"
                      "##  #\n"
                      "#   #\n"
                      " ### \n");
    CHECK_INT_EQ(length, 7 * 6);
    CHECK_INT_EQ(length, strlen(out));
}

static void test_digits_one_column_apart(void)
{
    char out[512];
    size_t length = big_digits_render("1234567890", out, sizeof(out));
    CHECK_STR_EQ(out,
                 /* 1      2      3      4      5      6      7      8      9      0 */
                 "  #    ###  #####    #  #####   ##  #####  ###   ###   ### \n"
                 " ##   #   #    #    ##  #      #        # #   # #   # #   #\n"
                 "  #       #   #    # #  ####  #        #  #   # #   # #  ##\n"
                 "  #      #     #  #  #      # ####    #    ###   #### # # #\n"
                 "  #     #       # #####     # #   #  #    #   #     # ##  #\n"
                 "  #    #    #   #    #  #   # #   #  #    #   #    #  #   #\n"
                 " ###  #####  ###     #   ###   ###   #     ###   ##    ### \n");
    /* Ten glyphs of five columns with nine gaps, and a newline, on each of 7 rows. */
    CHECK_INT_EQ(length, 7 * (10 * 5 + 9 + 1));
}

static void test_full_and_closed(void)
{
    char out[512];
    big_digits_render("FULL", out, sizeof(out));
    CHECK_STR_EQ(out, "##### #   # #     #    \n"
                      "#     #   # #     #    \n"
                      "#     #   # #     #    \n"
                      "####  #   # #     #    \n"
                      "#     #   # #     #    \n"
                      "#     #   # #     #    \n"
                      "#      ###  ##### #####\n");
    big_digits_render("CLOSED", out, sizeof(out));
    CHECK_STR_EQ(out, " ###  #      ###   #### ##### #### \n"
                      "#   # #     #   # #     #     #   #\n"
                      "#     #     #   # #     #     #   #\n"
                      "#     #     #   #  ###  ####  #   #\n"
                      "#     #     #   #     # #     #   #\n"
                      "#   # #     #   #     # #     #   #\n"
                      " ###  #####  ###  ####  ##### #### \n");
}

/* Lower case, punctuation and letters outside FULL and CLOSED have no glyph. */
static void test_unknown_characters_are_blank(void)
{
    char out[256];
    size_t length = big_digits_render("f-1", out, sizeof(out));
    CHECK_STR_EQ(out, "              #  \n"
                      "             ##  \n"
                      "              #  \n"
                      "              #  \n"
                      "              #  \n"
                      "              #  \n"
                      "             ### \n");
    CHECK_INT_EQ(length, 7 * 18);
}

static void test_empty_text_is_seven_empty_rows(void)
{
    char out[16];
    CHECK_INT_EQ(big_digits_render("", out, sizeof(out)), 7);
    CHECK_STR_EQ(out, "\n\n\n\n\n\n\n");
}

/* The renderer asks for 7 rows of 6 columns a glyph, a newline each, and a NUL. */
static void test_output_too_small_is_refused_untouched(void)
{
    char out[128];
    size_t needed = 7 * (2 * 6 + 1) + 1;

    memset(out, 'x', sizeof(out));
    CHECK_INT_EQ(big_digits_render("42", out, needed - 1), 0);
    CHECK(out[0] == 'x');
    CHECK_INT_EQ(big_digits_render("42", out, 0), 0);
    CHECK(out[0] == 'x');
    CHECK_INT_EQ(big_digits_render("42", out, needed), 7 * 12);
    CHECK_STR_EQ(out + 6 * 12, "   #  #####\n");
}

static void test_margin_centres_in_the_terminal(void)
{
    /* "123" counts 3 * 6 = 18 columns. */
    CHECK_INT_EQ(big_digits_margin("123", 80), 31);
    CHECK_INT_EQ(big_digits_margin("123", 81), 31);
    CHECK_INT_EQ(big_digits_margin("123", 20), 1);
    CHECK_INT_EQ(big_digits_margin("FULL", 120), 48);
    CHECK_INT_EQ(big_digits_margin("", 80), 40);
}

static void test_margin_is_zero_when_it_cannot_centre(void)
{
    CHECK_INT_EQ(big_digits_margin("123", 0), 0);  /* not a terminal */
    CHECK_INT_EQ(big_digits_margin("123", -5), 0); /* nonsense width */
    CHECK_INT_EQ(big_digits_margin("123", 18), 0); /* exactly as wide */
    CHECK_INT_EQ(big_digits_margin("123", 19), 0); /* one spare column cannot be halved */
    CHECK_INT_EQ(big_digits_margin("CLOSED", 30), 0);
}

int main(void)
{
    RUN_TEST(test_one_digit_exact_rows);
    RUN_TEST(test_digits_one_column_apart);
    RUN_TEST(test_full_and_closed);
    RUN_TEST(test_unknown_characters_are_blank);
    RUN_TEST(test_empty_text_is_seven_empty_rows);
    RUN_TEST(test_output_too_small_is_refused_untouched);
    RUN_TEST(test_margin_centres_in_the_terminal);
    RUN_TEST(test_margin_is_zero_when_it_cannot_centre);
    return check_exit_status();
}
