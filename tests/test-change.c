/* test-change.c: every change type parsed to exact values, and malformed messages refused. */
#include "change.h"
#include "check.h"

#include <stdlib.h>

static int parse(const char *text, struct change *change)
{
    return change_parse(text, strlen(text), change);
}

/* Every type, parsed to exact values. */
static void test_every_type(void)
{
    static const struct {
        const char *text;
        enum change_type type;
        const char *id;
        int64_t version, occupied, updated_at_ms;
        const char *static_json;
    } cases[] = {
        {"{\"type\":\"occupancy\",\"id\":\"lot-a\",\"version\":7,\"occupied\":3,"
         "\"updated_at\":1795489670123}",
         CHANGE_OCCUPANCY, "lot-a", 7, 3, 1795489670123LL, NULL},
        /* Member order and numbers of the static fields stay as they came. */
        {"{\"updated_at\":null,\"type\":\"lot\",\"occupied\":null,\"id\":\"lot-0\","
         "\"version\":1,\"lot\":{\"name\":\"Zoo\",\"capacity\":40,\"city\":\"x\"}}",
         CHANGE_LOT, "lot-0", 1, -1, -1, "{\"name\":\"Zoo\",\"capacity\":40,\"city\":\"x\"}"},
        {"{\"type\":\"lot\",\"id\":\"b\",\"version\":12,\"occupied\":5,\"updated_at\":1000,"
         "\"lot\":{}}",
         CHANGE_LOT, "b", 12, 5, 1000, "{}"},
        {"{\"type\":\"delete\",\"id\":\"lot-b\",\"version\":5}", CHANGE_LOT_DELETED, "lot-b", 5, -1,
         -1, NULL},
        {"{\"type\":\"calendar\",\"id\":\"de-by\"}", CHANGE_CALENDAR, "de-by", 0, -1, -1, NULL},
        /* Unknown members are ignored, so messages can grow. */
        {"{\"id\":\"de-by\",\"type\":\"calendar_deleted\",\"by\":\"x\"}", CHANGE_CALENDAR_DELETED,
         "de-by", 0, -1, -1, NULL},
        /* Groups carry only their id: receivers read the names again. */
        {"{\"type\":\"group\",\"id\":\"admin-centre\"}", CHANGE_GROUP, "admin-centre", 0, -1, -1,
         NULL},
        {"{\"type\":\"group_deleted\",\"id\":\"north\"}", CHANGE_GROUP_DELETED, "north", 0, -1, -1,
         NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct change change;
        CHECK_INT_EQ(change_parse(cases[i].text, strlen(cases[i].text), &change), 0);
        CHECK_INT_EQ(change.type, cases[i].type);
        CHECK_STR_EQ(change.id, cases[i].id);
        CHECK_INT_EQ(change.version, cases[i].version);
        CHECK_INT_EQ(change.occupied, cases[i].occupied);
        CHECK_INT_EQ(change.updated_at_ms, cases[i].updated_at_ms);
        CHECK_STR_EQ(change.static_json, cases[i].static_json);
        change_deinit(&change);
    }
}

/* Only length bytes are read: the text need not end in NUL. */
static void test_length(void)
{
    const char text[] = "{\"type\":\"calendar\",\"id\":\"a\"}garbage";
    struct change change;
    CHECK_INT_EQ(change_parse(text, strlen(text) - 7, &change), 0);
    CHECK_STR_EQ(change.id, "a");
    change_deinit(&change);
    CHECK_INT_EQ(change_parse(text, strlen(text), &change), CHANGE_ERROR_NOT_JSON);
}

static void test_malformed(void)
{
    static const struct {
        const char *text;
        int error;
    } cases[] = {
        {"", CHANGE_ERROR_NOT_JSON},
        {"not json", CHANGE_ERROR_NOT_JSON},
        {"[\"occupancy\"]", CHANGE_ERROR_NOT_JSON},
        {"{\"id\":\"a\",\"version\":1}", CHANGE_ERROR_TYPE},
        {"{\"type\":\"x\"}", CHANGE_ERROR_TYPE},
        {"{\"type\":7,\"id\":\"a\"}", CHANGE_ERROR_TYPE},
        {"{\"type\":\"Calendar\",\"id\":\"a\"}", CHANGE_ERROR_TYPE},
        {"{\"type\":\"calendar\"}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"calendar\",\"id\":\"\"}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"calendar\",\"id\":3}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"calendar\",\"id\":\"a\\u0000b\"}", CHANGE_ERROR_NOT_JSON},
        {"{\"type\":\"delete\",\"id\":\"a\"}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"delete\",\"id\":\"a\",\"version\":-1}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"delete\",\"id\":\"a\",\"version\":1.5}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"delete\",\"id\":\"a\",\"version\":\"2\"}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"occupancy\",\"id\":\"a\",\"version\":2,\"updated_at\":1}",
         CHANGE_ERROR_MEMBER},
        {"{\"type\":\"occupancy\",\"id\":\"a\",\"version\":2,\"occupied\":null,\"updated_at\":1}",
         CHANGE_ERROR_MEMBER},
        {"{\"type\":\"occupancy\",\"id\":\"a\",\"version\":2,\"occupied\":1}", CHANGE_ERROR_MEMBER},
        {"{\"type\":\"lot\",\"id\":\"a\",\"version\":2,\"occupied\":null,\"updated_at\":null}",
         CHANGE_ERROR_MEMBER},
        {"{\"type\":\"lot\",\"id\":\"a\",\"version\":2,\"occupied\":null,\"updated_at\":null,"
         "\"lot\":\"{}\"}",
         CHANGE_ERROR_MEMBER},
        {"{\"type\":\"lot\",\"id\":\"a\",\"version\":2,\"updated_at\":null,\"lot\":{}}",
         CHANGE_ERROR_MEMBER},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct change change;
        int result = parse(cases[i].text, &change);
        if (result != cases[i].error)
            fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
        CHECK_INT_EQ(result, cases[i].error);
        CHECK(change.static_json == NULL);
    }
}

/* A closure change: its list and the one closure as compact JSON, and its event word. */
static void test_closures(void)
{
    static const char text[] =
        "{\"type\":\"closures\",\"id\":\"gov-a\",\"version\":9,\"event\":\"withdrawn\","
        "\"closure\":{\"id\":\"4\",\"from\":1000,\"to\":2000,\"reason\":\"M\"},"
        "\"closures\":[]}";
    static const char *const refused[] = {
        "{\"type\":\"closures\",\"id\":\"a\",\"version\":9,\"event\":\"started\","
        "\"closure\":{},\"closures\":[]}",
        "{\"type\":\"closures\",\"id\":\"a\",\"version\":9,\"event\":\"announced\","
        "\"closure\":{},\"closures\":{}}",
        "{\"type\":\"closures\",\"id\":\"a\",\"version\":9,\"event\":\"announced\","
        "\"closures\":[]}",
        "{\"type\":\"closures\",\"id\":\"a\",\"event\":\"announced\",\"closure\":{},"
        "\"closures\":[]}",
    };
    struct change change;

    CHECK_INT_EQ(parse(text, &change), 0);
    CHECK_INT_EQ(change.type, CHANGE_CLOSURES);
    CHECK_STR_EQ(change.id, "gov-a");
    CHECK_INT_EQ(change.version, 9);
    CHECK_STR_EQ(change.closure_event, "withdrawn");
    CHECK_STR_EQ(change.closures_json, "[]");
    CHECK_STR_EQ(change.closure_json, "{\"id\":\"4\",\"from\":1000,\"to\":2000,\"reason\":\"M\"}");
    change_deinit(&change);
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        CHECK_INT_EQ(parse(refused[i], &change), CHANGE_ERROR_MEMBER);
        CHECK(change.closures_json == NULL && change.closure_json == NULL);
    }
}

/* The longest id fits whole; one more character is refused. */
static void test_longest_id(void)
{
    char text[160], id[WIRE_ID_MAX + 2];
    struct change change;
    memset(id, 'a', WIRE_ID_MAX);
    id[WIRE_ID_MAX] = '\0';
    snprintf(text, sizeof(text), "{\"type\":\"calendar\",\"id\":\"%s\"}", id);
    CHECK_INT_EQ(parse(text, &change), 0);
    CHECK_STR_EQ(change.id, id);
    change_deinit(&change);
    strcat(id, "a");
    snprintf(text, sizeof(text), "{\"type\":\"calendar\",\"id\":\"%s\"}", id);
    CHECK_INT_EQ(parse(text, &change), CHANGE_ERROR_MEMBER);
}

int main(void)
{
    RUN_TEST(test_every_type);
    RUN_TEST(test_length);
    RUN_TEST(test_malformed);
    RUN_TEST(test_longest_id);
    RUN_TEST(test_closures);
    return check_exit_status();
}
