/* test-group.c: a group's names: every rule of the body, and the table of names. */
#include "check.h"
#include "group.h"

#include <stdlib.h>
#include <string.h>

/* The errors of body as "field: rule" lines, or the stored JSON when valid. */
static char *outcome(const char *body_text)
{
    json_t *body = json_loads(body_text, JSON_DECODE_ANY, NULL), *stored = NULL;
    struct field_errors errors = {0};
    char *text;

    if (group_from_json(body, &stored, &errors) == 0) {
        text = json_dumps(stored, JSON_COMPACT | JSON_PRESERVE_ORDER);
    } else {
        json_t *list = field_errors_to_json(&errors);
        text = json_dumps(list, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(list);
        CHECK(stored == NULL);
    }
    json_decref(body);
    json_decref(stored);
    return text;
}

static void check_outcome(const char *body, const char *expected)
{
    char *text = outcome(body);
    CHECK_STR_EQ(text, expected);
    free(text);
}

static void test_valid_bodies(void)
{
    check_outcome("{\"name\":\"行政中心\"}", "{\"name\":\"行政中心\",\"names\":{}}");
    check_outcome("{\"names\":{\"en\":\"Civic Centre\"},\"name\":\"行政中心\"}",
                  "{\"name\":\"行政中心\",\"names\":{\"en\":\"Civic Centre\"}}");
    check_outcome("{\"name\":\"a\",\"names\":{}}", "{\"name\":\"a\",\"names\":{}}");
    /* 64 Chinese characters are 192 bytes: the limit counts characters. */
    char body[400] = "{\"name\":\"";
    for (int i = 0; i < 64; i++)
        strcat(body, "区");
    strcat(body, "\"}");
    char *text = outcome(body);
    CHECK(strncmp(text, "{\"name\":\"区", 12) == 0);
    free(text);
}

static void test_every_rule(void)
{
    check_outcome("[]",
                  "[{\"field\":\"\",\"rule\":\"the body must be a JSON object with a name\"}]");
    check_outcome("{}",
                  "[{\"field\":\"name\",\"rule\":\"is required: text of 1 to 64 characters\"}]");
    check_outcome("{\"name\":\"  \"}", "[{\"field\":\"name\",\"rule\":\"must be text of 1 to 64 "
                                       "characters, not only spaces\"}]");
    check_outcome("{\"name\":7}", "[{\"field\":\"name\",\"rule\":\"must be text of 1 to 64 "
                                  "characters, not only spaces\"}]");
    check_outcome(
        "{\"name\":\"a\\nb\"}",
        "[{\"field\":\"name\",\"rule\":\"must be one line without control characters\"}]");
    check_outcome("{\"name\":\"a\",\"colour\":\"red\"}",
                  "[{\"field\":\"colour\",\"rule\":\"is not a member of a group; expected name, "
                  "names\"}]");
    check_outcome("{\"name\":\"a\",\"names\":\"x\"}",
                  "[{\"field\":\"names\",\"rule\":\"must be an object such as {\\\"en\\\": "
                  "\\\"City Centre\\\"}\"}]");
    /* Every broken rule at once, not only the first. */
    check_outcome("{\"name\":\"\",\"names\":{\"fr\":\"x\",\"en\":\"\"}}",
                  "[{\"field\":\"name\",\"rule\":\"must be text of 1 to 64 characters, not only "
                  "spaces\"},{\"field\":\"names\",\"rule\":\"has no member 'fr'; only 'en'\"},"
                  "{\"field\":\"names.en\",\"rule\":\"must be text of 1 to 64 characters, not "
                  "only spaces\"}]");
    char body[100] = "{\"name\":\"";
    for (int i = 0; i < 65; i++)
        strcat(body, "x");
    strcat(body, "\"}");
    check_outcome(body, "[{\"field\":\"name\",\"rule\":\"must be text of 1 to 64 characters, not "
                        "only spaces\"}]");
}

static void test_table(void)
{
    struct group_names *names = group_names_new();
    json_t *centre = json_pack("{s:s, s:{s:s}}", "name", "行政中心", "names", "en", "Civic Centre");
    json_t *old_town = json_pack("{s:s}", "name", "老城区");
    json_t *bad = json_pack("{s:s}", "name", "");

    CHECK(names != NULL);
    CHECK_INT_EQ(group_names_set(names, "old-town", old_town), 0);
    CHECK_INT_EQ(group_names_set(names, "admin-centre", centre), 0);
    CHECK_INT_EQ(group_names_set(names, "old-town", bad), GROUP_ERROR_INVALID);
    CHECK_INT_EQ(group_names_count(names), 2);
    CHECK_STR_EQ(group_names_at(names, 0)->id, "admin-centre"); /* in id order */
    CHECK_STR_EQ(group_names_at(names, 0)->name_en, "Civic Centre");
    CHECK_STR_EQ(group_names_find(names, "old-town")->name, "老城区"); /* unchanged by bad */
    CHECK(group_names_find(names, "old-town")->name_en == NULL);
    CHECK_INT_EQ(group_names_set(names, "old-town", centre), 0); /* replaced */
    CHECK_STR_EQ(group_names_find(names, "old-town")->name_en, "Civic Centre");
    group_names_remove(names, "admin-centre");
    group_names_remove(names, "nothing");
    CHECK_INT_EQ(group_names_count(names), 1);
    CHECK(group_names_find(names, "admin-centre") == NULL);
    json_t *unnamed = group_name_to_json(NULL);
    char *text = json_dumps(unnamed, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(text, "{\"name\":null,\"names\":{}}");
    free(text);
    json_decref(unnamed);
    json_decref(centre);
    json_decref(old_town);
    json_decref(bad);
    group_names_free(names);
    group_names_free(NULL);
}

/* Answers built from the names are kept while the revision stays: every change moves it. */
static void test_revision_moves_with_every_change(void)
{
    struct group_names *names = group_names_new();
    json_t *body = json_pack("{s:s}", "name", "老城区");
    json_t *bad = json_pack("{s:s}", "name", "");
    uint64_t seen = group_names_revision(names);

    CHECK_INT_EQ(group_names_set(names, "old-town", body), 0);
    CHECK(group_names_revision(names) != seen);
    seen = group_names_revision(names);
    CHECK_INT_EQ(group_names_set(names, "old-town", bad), GROUP_ERROR_INVALID);
    group_names_remove(names, "nothing");
    CHECK(group_names_revision(names) == seen); /* nothing changed */
    group_names_remove(names, "old-town");
    CHECK(group_names_revision(names) != seen);
    seen = group_names_revision(names);
    group_names_clear(names);
    CHECK(group_names_revision(names) != seen);
    json_decref(body);
    json_decref(bad);
    group_names_free(names);
}

int main(void)
{
    RUN_TEST(test_valid_bodies);
    RUN_TEST(test_every_rule);
    RUN_TEST(test_table);
    RUN_TEST(test_revision_moves_with_every_change);
    return check_exit_status();
}
