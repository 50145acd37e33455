/* test-log.c: the shape of text and JSON log lines, escaping and cutting. */
#include "check.h"
#include "log.h"

#include <jansson.h>

static const struct timespec when = {1795489670, 123456789}; /* 2026-11-24T03:07:50.123Z */

static void test_text_line(void)
{
    char line[256];
    size_t length = log_format_line(line, sizeof(line), LOG_FORMAT_TEXT, LOG_LEVEL_WARNING, &when,
                                    "store", "lost the link\nforged line");
    CHECK_STR_EQ(line, "2026-11-24T03:07:50.123Z warning store: lost the link\\nforged line\n");
    CHECK_INT_EQ(length, strlen(line));
}

/* A JSON line parses, and its message is expected. */
static void check_json_message(const char *line, const char *expected)
{
    json_t *parsed = json_loads(line, 0, NULL);
    CHECK(parsed != NULL);
    CHECK_STR_EQ(json_string_value(json_object_get(parsed, "message")), expected);
    json_decref(parsed);
}

static void test_json_line(void)
{
    char line[256];

    log_format_line(line, sizeof(line), LOG_FORMAT_JSON, LOG_LEVEL_ERROR, &when, "http",
                    "bad \"quote\" \\ tab\t bell\x07 车位");
    CHECK_STR_EQ(line,
                 "{\"time\":\"2026-11-24T03:07:50.123Z\",\"level\":\"error\",\"component\":"
                 "\"http\",\"message\":\"bad \\\"quote\\\" \\\\ tab\\t bell\\u0007 车位\"}\n");
    check_json_message(line, "bad \"quote\" \\ tab\t bell\x07 车位");
}

/* Invalid UTF-8 never makes an invalid JSON line. */
static void test_json_invalid_utf8(void)
{
    char line[256];

    log_format_line(line, sizeof(line), LOG_FORMAT_JSON, LOG_LEVEL_INFO, &when, "x", "a\xff\xe8z");
    check_json_message(line, "a\xef\xbf\xbd\xef\xbf\xbdz");
}

/* A cut line stays one valid line, never ending inside an escape or a character. */
static void test_cut_lines_stay_well_formed(void)
{
    char message[600];
    for (size_t i = 0; i < sizeof(message) - 1; i++)
        message[i] = i % 3 == 0 ? '"' : (i % 3 == 1 ? '\xe8' : 'a');
    message[sizeof(message) - 1] = '\0';
    /* Valid UTF-8 to cut: repeat "车\"" so escapes and multibyte sequences alternate. */
    char utf8[601] = "";
    for (int i = 0; i < 120; i++)
        strcat(utf8, "车\"");
    for (size_t size = 60; size < 200; size++) {
        char line[200];
        size_t needed =
            log_format_line(line, size, LOG_FORMAT_JSON, LOG_LEVEL_INFO, &when, "c", utf8);
        json_t *parsed = json_loads(line, 0, NULL);
        CHECK(needed > size);
        CHECK(strlen(line) < size);
        CHECK(line[strlen(line) - 1] == '\n');
        CHECK(parsed != NULL);
        json_decref(parsed);
    }
    char text_line[40];
    log_format_line(text_line, sizeof(text_line), LOG_FORMAT_TEXT, LOG_LEVEL_INFO, &when, "c",
                    "0123456789abcdefghij");
    CHECK_STR_EQ(text_line, "2026-11-24T03:07:50.123Z info c: 01234\n");
}

static void test_level_names(void)
{
    enum log_level level = LOG_LEVEL_ERROR;
    CHECK_INT_EQ(log_level_from_name("debug", &level), 0);
    CHECK_INT_EQ(level, LOG_LEVEL_DEBUG);
    CHECK_INT_EQ(log_level_from_name("warning", &level), 0);
    CHECK_INT_EQ(level, LOG_LEVEL_WARNING);
    CHECK_INT_EQ(log_level_from_name("WARN", &level), -1);
    CHECK_STR_EQ(log_level_name(LOG_LEVEL_INFO), "info");
}

/* journald's reading of a line: the syslog priority of each level. */
static void test_priority_prefixes(void)
{
    CHECK_STR_EQ(log_priority_prefix(LOG_LEVEL_ERROR), "<3>");
    CHECK_STR_EQ(log_priority_prefix(LOG_LEVEL_WARNING), "<4>");
    CHECK_STR_EQ(log_priority_prefix(LOG_LEVEL_INFO), "<6>");
    CHECK_STR_EQ(log_priority_prefix(LOG_LEVEL_DEBUG), "<7>");
}

/* JOURNAL_STREAM is "<device>:<inode>"; only an exact match says the journal. */
static void test_journal_stream(void)
{
    CHECK(log_journal_stream_matches("64768:123456", 64768, 123456));
    CHECK(!log_journal_stream_matches("64768:123457", 64768, 123456));
    CHECK(!log_journal_stream_matches("64769:123456", 64768, 123456));
    CHECK(!log_journal_stream_matches(NULL, 64768, 123456));
    CHECK(!log_journal_stream_matches("", 0, 0));
    CHECK(!log_journal_stream_matches("64768", 64768, 0));
    CHECK(!log_journal_stream_matches("64768:", 64768, 0));
    CHECK(!log_journal_stream_matches(":123456", 0, 123456));
    CHECK(!log_journal_stream_matches("64768:123456x", 64768, 123456));
    CHECK(!log_journal_stream_matches("-1:123456", 18446744073709551615ULL, 123456));
    CHECK(!log_journal_stream_matches("99999999999999999999:1", 0, 1));
}

int main(void)
{
    RUN_TEST(test_priority_prefixes);
    RUN_TEST(test_journal_stream);
    RUN_TEST(test_text_line);
    RUN_TEST(test_json_line);
    RUN_TEST(test_json_invalid_utf8);
    RUN_TEST(test_cut_lines_stay_well_formed);
    RUN_TEST(test_level_names);
    return check_exit_status();
}
