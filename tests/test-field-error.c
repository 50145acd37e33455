/* test-field-error.c: field errors: recording, the one-line summary and the JSON list. */
#include "check.h"
#include "field_error.h"

#include <stdlib.h>
#include <string.h>

static void test_set_and_format(void)
{
    struct field_error error;
    char line[64];

    CHECK_INT_EQ(field_error_set(&error, "capacity", "must be from %d to %d", 1, 100000),
                 FIELD_ERROR_INVALID);
    CHECK_STR_EQ(error.field, "capacity");
    CHECK_STR_EQ(error.rule, "must be from 1 to 100000");
    field_error_format(&error, line, sizeof(line));
    CHECK_STR_EQ(line, "capacity: must be from 1 to 100000");
    CHECK_INT_EQ(field_error_set_member(&error, "days[3]", "date", "must be a date"),
                 FIELD_ERROR_INVALID);
    CHECK_STR_EQ(error.field, "days[3].date");
    CHECK_STR_EQ(error.rule, "must be a date");
}

static void test_from_message(void)
{
    struct field_error error;

    field_error_from_message(&error, "hours.weekend: must be \"24h\": or ranges", "hours");
    CHECK_STR_EQ(error.field, "hours.weekend");
    CHECK_STR_EQ(error.rule, "must be \"24h\": or ranges");
    field_error_from_message(&error, "no separator here", "hours");
    CHECK_STR_EQ(error.field, "hours");
    CHECK_STR_EQ(error.rule, "no separator here");
}

static void test_truncation(void)
{
    struct field_error error;
    char long_field[200];

    memset(long_field, 'f', sizeof(long_field) - 1);
    long_field[sizeof(long_field) - 1] = '\0';
    field_error_set(&error, long_field, "%s", "unknown field");
    CHECK_INT_EQ(strlen(error.field), FIELD_ERROR_FIELD_SIZE - 1);
    CHECK_STR_EQ(error.rule, "unknown field");
}

/* A field of a's then one character; "€" is the 3 bytes e2 82 ac. */
static void field_with(char *out, size_t letters, const char *character)
{
    memset(out, 'a', letters);
    strcpy(out + letters, character);
}

static void test_cut_on_a_character_boundary(void)
{
    struct field_error error;
    char field[200], expected[200], line[12];
    json_t *list;

    /* 79 bytes fit: 76 letters and the euro sign stay whole. */
    field_with(field, 76, "\xe2\x82\xac");
    field_error_set(&error, field, "unknown field");
    CHECK_STR_EQ(error.field, field);
    /* 77 letters: the cut falls after the sign's second byte; the sign goes whole. */
    field_with(field, 77, "\xe2\x82\xac");
    field_error_set(&error, field, "unknown field");
    field_with(expected, 77, "");
    CHECK_STR_EQ(error.field, expected);
    /* 78 letters: the cut leaves the lead byte alone; it goes too. */
    field_with(field, 78, "\xe2\x82\xac");
    field_error_set(&error, field, "unknown field");
    field_with(expected, 78, "");
    CHECK_STR_EQ(error.field, expected);
    /* A 4-byte character cut after 3 bytes; a member's path cut the same way. */
    field_with(field, 69, "\xf0\x9f\x85\xbf");
    field_error_set_member(&error, "days[1]", field, "unknown field");
    CHECK_INT_EQ(strlen(error.field), 8 + 69); /* "days[1]." and the letters */
    /* What is left is valid UTF-8: the problem's JSON list can be built. */
    list = field_error_to_json(&error);
    CHECK(list != NULL && json_array_size(list) == 1);
    json_decref(list);
    /* The rule and the one-line form are cut the same way. */
    field_error_set(&error, "name", "\xe5\x81\x9c\xe8\xbd\xa6\xe5\x9c\xba"); /* 停车场 */
    field_error_format(&error, line, sizeof(line)); /* "name: " and 5 of its 9 bytes fit */
    CHECK_STR_EQ(line, "name: \xe5\x81\x9c");
    strcpy(field, "ok \xe5\x81\x9c");
    CHECK_INT_EQ(field_error_trim_utf8(field), 6); /* complete text stays */
    strcpy(field, "ok \xe5\x81");
    CHECK_INT_EQ(field_error_trim_utf8(field), 3);
    CHECK_STR_EQ(field, "ok ");
    strcpy(field, "");
    CHECK_INT_EQ(field_error_trim_utf8(field), 0);
}

static void test_collection_summary_and_json(void)
{
    struct field_errors errors = {0};
    char summary[128];
    json_t *list;

    field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
    CHECK_STR_EQ(summary, "invalid lot");
    field_errors_add(&errors, "name", "is required");
    field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
    CHECK_STR_EQ(summary, "name: is required");
    field_errors_add(&errors, "kind", "must be %s", "public");
    field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
    CHECK_STR_EQ(summary, "name: is required (and 1 more)");
    list = field_errors_to_json(&errors);
    CHECK_INT_EQ(json_array_size(list), 2);
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 1), "field")), "kind");
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 1), "rule")),
                 "must be public");
    json_decref(list);
    field_errors_clear(&errors);
    CHECK_INT_EQ(errors.count, 0);
}

static void test_overflow_is_counted(void)
{
    struct field_errors errors = {0};
    char summary[128];

    for (int i = 0; i < FIELD_ERRORS_MAX + 3; i++)
        field_errors_add(&errors, "groups", "entry %d is bad", i);
    CHECK_INT_EQ(errors.count, FIELD_ERRORS_MAX);
    CHECK_INT_EQ(errors.dropped, 3);
    field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
    CHECK_STR_EQ(summary, "groups: entry 0 is bad (and 34 more)");
}

static void test_single_error_as_list(void)
{
    struct field_error error;
    char *text;

    field_error_set(&error, "occupied", "must not exceed the capacity %d", 5);
    json_t *list = field_error_to_json(&error);
    text = json_dumps(list, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(text, "[{\"field\":\"occupied\",\"rule\":\"must not exceed the capacity 5\"}]");
    free(text);
    json_decref(list);
}

int main(void)
{
    RUN_TEST(test_set_and_format);
    RUN_TEST(test_from_message);
    RUN_TEST(test_truncation);
    RUN_TEST(test_cut_on_a_character_boundary);
    RUN_TEST(test_collection_summary_and_json);
    RUN_TEST(test_overflow_is_counted);
    RUN_TEST(test_single_error_as_list);
    return check_exit_status();
}
