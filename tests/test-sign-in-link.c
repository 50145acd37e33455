/* test-sign-in-link.c: an attendant's sign-in link and its QR code in terminal half blocks. */
#include "check.h"
#include "sign_in_link.h"

#include <stdlib.h>
#include <string.h>

#define FULL "\u2588"

static void test_link_from_the_url_with_or_without_slashes(void)
{
    char *link = sign_in_link_new("https://park.example.cn", "ps_abc");
    CHECK_STR_EQ(link, "https://park.example.cn/attendant#token=ps_abc");
    free(link);
    link = sign_in_link_new("http://127.0.0.1:8080//", "ps_x-y_z");
    CHECK_STR_EQ(link, "http://127.0.0.1:8080/attendant#token=ps_x-y_z");
    free(link);
}

/* The characters (not bytes) of a UTF-8 line. */
static size_t characters(const char *line, size_t bytes)
{
    size_t count = 0;
    for (size_t i = 0; i < bytes; i++)
        count += ((unsigned char)line[i] & 0xC0) != 0x80;
    return count;
}

static void test_qr_rows_are_a_square_with_a_quiet_zone(void)
{
    /* 84 bytes: a version 5 symbol (37 modules) at level M, with 4 light modules each side. */
    const char *link = "http://127.0.0.1:8080/attendant#token=ps_"
                       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    char *text = NULL, *line, *saved = NULL, full_row[45 * 3 + 1] = "";
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    int rows = 0;

    CHECK_INT_EQ(sign_in_link_print_qr(out, link, false), SIGN_IN_LINK_OK);
    fclose(out);
    for (int i = 0; i < 45; i++)
        strcat(full_row, FULL);
    for (line = strtok_r(text, "\n", &saved); line; line = strtok_r(NULL, "\n", &saved)) {
        CHECK_INT_EQ(characters(line, strlen(line)), 45);
        if (rows < 2)
            CHECK_STR_EQ(line, full_row);
        if (rows == 2) {
            /* Modules 4 and 5 of the quiet zone's left edge, then the finder's dark edge. */
            CHECK(strncmp(line, FULL FULL FULL FULL " ", strlen(FULL) * 4 + 1) == 0);
        }
        rows++;
    }
    CHECK_INT_EQ(rows, 23);
    free(text);
}

static void test_colors_paint_each_row(void)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    CHECK_INT_EQ(sign_in_link_print_qr(out, "https://p.example/attendant#token=ps_a", true),
                 SIGN_IN_LINK_OK);
    fclose(out);
    CHECK(strncmp(text, "\033[97;40m", 8) == 0);
    CHECK(strstr(text, "\033[0m\n") != NULL);
    free(text);
}

static void test_a_link_too_long_for_a_qr_code_is_refused(void)
{
    char *link = malloc(4000);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    memset(link, 'a', 3999);
    link[3999] = '\0';
    CHECK_INT_EQ(sign_in_link_print_qr(out, link, false), SIGN_IN_LINK_TOO_LONG);
    fclose(out);
    CHECK_INT_EQ(size, 0);
    free(text);
    free(link);
}

int main(void)
{
    RUN_TEST(test_link_from_the_url_with_or_without_slashes);
    RUN_TEST(test_qr_rows_are_a_square_with_a_quiet_zone);
    RUN_TEST(test_colors_paint_each_row);
    RUN_TEST(test_a_link_too_long_for_a_qr_code_is_refused);
    return check_exit_status();
}
