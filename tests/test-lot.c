/* test-lot.c: lot validation rule by rule, canonical JSON, and the demo city. */
#include "check.h"
#include "lot.h"

#include <stdlib.h>

static const char valid[] =
    "{\"name\":\"Civic Centre\",\"kind\":\"government\",\"operator\":\"City Hall\","
    "\"city\":\"qingzhen\",\"district\":\"centre\",\"groups\":[\"admin-centre\"],"
    "\"location\":{\"lat\":26.5705,\"lon\":106.4707},\"address\":\"1 Civic Road\","
    "\"contact\":\"0851\",\"notes\":\"line one\\nline two\",\"capacity\":120,\"fee\":\"free\","
    "\"fee_note\":\"none\",\"hours\":{\"workday\":\"18:30-07:30\",\"weekend\":\"24h\","
    "\"dates\":{\"2026-10-08\":\"off\"}},\"calendar\":\"cn\"}";

/* Apply one change (a JSON object merged over the valid body) and expect one error. */
static void expect_error(const char *change, const char *field, const char *rule)
{
    json_t *body = json_loads(valid, 0, NULL);
    json_t *patch = json_loads(change, 0, NULL);
    struct field_errors errors = {0};
    struct lot *lot = NULL;
    const char *key;
    json_t *value;
    bool seen = false;

    json_object_foreach(patch, key, value)
    {
        if (json_is_null(value))
            json_object_del(body, key);
        else
            json_object_set(body, key, value);
    }
    CHECK_INT_EQ(lot_from_json("lot-1", body, &lot, &errors), LOT_ERROR_INVALID);
    CHECK(lot == NULL);
    for (size_t i = 0; i < errors.count; i++) {
        if (strcmp(errors.items[i].field, field) == 0) {
            seen = true;
            CHECK_STR_EQ(errors.items[i].rule, rule);
        }
    }
    if (!seen)
        fprintf(stderr, "no error for %s after %s (first: %s)\n", field, change,
                errors.count ? errors.items[0].field : "none");
    CHECK(seen);
    json_decref(body);
    json_decref(patch);
}

static void test_valid_round_trip(void)
{
    json_t *body = json_loads(valid, 0, NULL), *canonical, *again_json;
    struct field_errors errors = {0};
    struct lot *lot = NULL, *again = NULL;
    char *first, *second;

    CHECK_INT_EQ(lot_from_json("lot-1", body, &lot, &errors), 0);
    CHECK_INT_EQ(errors.count, 0);
    CHECK_INT_EQ(lot->capacity, 120);
    CHECK_INT_EQ(lot->kind, LOT_KIND_GOVERNMENT);
    CHECK_INT_EQ(lot->group_count, 1);
    canonical = lot_static_to_json(lot);
    CHECK_INT_EQ(lot_from_json("lot-1", canonical, &again, &errors), 0);
    again_json = lot_static_to_json(again);
    first = json_dumps(canonical, JSON_COMPACT | JSON_PRESERVE_ORDER);
    second = json_dumps(again_json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(first, second);
    CHECK(strncmp(first, "{\"name\":\"Civic Centre\",\"kind\":\"government\",\"operator\"", 52) ==
          0);
    CHECK(strstr(first, "\"id\"") == NULL);
    free(first);
    free(second);
    json_decref(canonical);
    json_decref(again_json);
    json_decref(body);
    lot_free(lot);
    lot_free(again);
    lot_free(NULL);
}

/* A rule of the lot validation, and the changes of the valid body that must break it. */
struct field_rule {
    const char *field;
    const char *rule;
    const char *changes[5]; /* NULL-terminated */
};

static void test_field_rules(void)
{
    static const char text_rule[] = "must be text of 1 to 200 characters";
    static const char id_rule[] = "must match [a-z0-9][a-z0-9_-]{0,63}";
    static const char capacity_rule[] = "must be an integer from 1 to 100000";
    static const char hours_value_rule[] =
        "must be \"off\", \"24h\" or ranges such as \"08:00-12:00, 18:30-07:30\"";
    static const struct field_rule rules[] = {
        {"name", "is required: text of 1 to 200 characters", {"{\"name\":null}"}},
        {"name", text_rule, {"{\"name\":\"\"}", "{\"name\":7}"}},
        {"name", "must not contain control characters", {"{\"name\":\"a\\u0001b\"}"}},
        {"kind",
         "is required: government, reclaimed or public",
         {"{\"kind\":\"private\"}", "{\"kind\":null}"}},
        {"city", id_rule, {"{\"city\":\"Qing Zhen\"}"}},
        {"district", id_rule, {"{\"district\":\"-x\"}"}},
        {"groups", "must be an array of at most 32 group ids", {"{\"groups\":\"admin\"}"}},
        {"groups[1]", id_rule, {"{\"groups\":[\"a\",\"B\"]}"}},
        {"groups[1]", "repeats group 'a'", {"{\"groups\":[\"a\",\"a\"]}"}},
        {"location", "is required: {\"lat\": …, \"lon\": …}", {"{\"location\":null}"}},
        {"location.lat",
         "must be a number from -90 to 90 (WGS84 degrees)",
         {"{\"location\":{\"lat\":90.5,\"lon\":0}}", "{\"location\":{\"lat\":\"1\",\"lon\":0}}"}},
        {"location.lon",
         "must be a number from -180 to 180 (WGS84 degrees)",
         {"{\"location\":{\"lat\":0,\"lon\":-180.01}}"}},
        {"location.alt",
         "unknown field; expected lat and lon",
         {"{\"location\":{\"lat\":1,\"lon\":0,\"alt\":3}}"}},
        {"capacity",
         capacity_rule,
         {"{\"capacity\":0}", "{\"capacity\":100001}", "{\"capacity\":12.0}",
          "{\"capacity\":\"12\"}"}},
        {"capacity", "is required: an integer from 1 to 100000", {"{\"capacity\":null}"}},
        {"fee", "must be \"free\" or \"paid\"", {"{\"fee\":\"cheap\"}"}},
        {"operator", text_rule, {"{\"operator\":\"\"}"}},
        {"hours", "must be an object such as {\"weekend\": \"24h\"}", {"{\"hours\":[]}"}},
        {"hours.someday",
         "unknown day class; expected workday, weekend, holiday, mo..su, dates or seasons",
         {"{\"hours\":{\"someday\":\"24h\"}}"}},
        {"hours.mo",
         hours_value_rule,
         {"{\"hours\":{\"mo\":\"9-5\"}}", "{\"hours\":{\"mo\":\"25:00-26:00\"}}",
          "{\"hours\":{\"mo\":\"08:00-08:00\"}}"}},
        {"hours.dates.2026-02-30",
         "must be keyed by a date YYYY-MM-DD",
         {"{\"hours\":{\"dates\":{\"2026-02-30\":\"off\"}}}"}},
        {"opening_hours",
         "give hours or opening_hours, not both",
         {"{\"opening_hours\":\"24/7\"}"}},
        {"calendar", id_rule, {"{\"calendar\":\"CN\"}"}},
        {"opening_hours",
         "unsupported opening_hours construct 'Jan' at position 0: outside the supported "
         "subset (weekdays, PH, times, 24/7, open, off)",
         {"{\"hours\":null,\"opening_hours\":\"Jan 10:00-12:00\"}"}},
        {"capcity", "unknown field", {"{\"capcity\":10}"}},
        {"occupied",
         "is a live field; report occupancy with POST /v1/lots/{id}/occupancy",
         {"{\"occupied\":3}"}},
        {"id", "must equal the id in the path, or be left out", {"{\"id\":\"other\"}"}},
        {"names",
         "must be an object of at most 8 names by language tag, such as {\"en\": \"City Hall\"}",
         {"{\"names\":\"City Hall\"}", "{\"names\":[\"City Hall\"]}",
          "{\"names\":{\"a1\":\"x\",\"a2\":\"x\",\"a3\":\"x\",\"a4\":\"x\",\"a5\":\"x\","
          "\"a6\":\"x\",\"a7\":\"x\",\"a8\":\"x\",\"a9\":\"x\"}}"}},
        {"names.en", text_rule, {"{\"names\":{\"en\":\"\"}}", "{\"names\":{\"en\":null}}"}},
        {"names.en",
         "must not contain control characters",
         {"{\"names\":{\"en\":\"City\\nHall\"}}"}},
        {"names.English",
         "is not a language tag such as en or en-GB",
         {"{\"names\":{\"English\":\"City Hall\"}}"}},
        {"names.en-", "is not a language tag such as en or en-GB", {"{\"names\":{\"en-\":\"x\"}}"}},
        {"names.e", "is not a language tag such as en or en-GB", {"{\"names\":{\"e\":\"x\"}}"}},
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        for (const char *const *change = rules[i].changes; *change != NULL; change++)
            expect_error(*change, rules[i].field, rules[i].rule);
}

/* names: other languages' names kept as given, in the canonical JSON right after name. */
static void test_names_in_other_languages(void)
{
    json_t *body = json_loads(valid, 0, NULL), *canonical;
    struct field_errors errors = {0};
    struct lot *lot = NULL;
    char *text;

    json_object_set_new(
        body, "names",
        json_pack("{s:s, s:s}", "en", "Civic Centre Car Park", "zh-Hant", "市政中心"));
    CHECK_INT_EQ(lot_from_json("lot-1", body, &lot, &errors), 0);
    CHECK_INT_EQ(errors.count, 0);
    CHECK_STR_EQ(json_string_value(json_object_get(lot->names, "en")), "Civic Centre Car Park");
    canonical = lot_static_to_json(lot);
    text = json_dumps(canonical, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK(strncmp(text,
                  "{\"name\":\"Civic Centre\",\"names\":{\"en\":\"Civic Centre Car Park\","
                  "\"zh-Hant\":\"市政中心\"},\"kind\":\"government\"",
                  strlen("{\"name\":\"Civic Centre\",\"names\":{\"en\":\"Civic Centre Car Park\","
                         "\"zh-Hant\":\"市政中心\"},\"kind\":\"government\"")) == 0);
    free(text);
    json_decref(canonical);
    lot_free(lot);
    json_decref(body);
}

static void test_opening_hours_accepted_within_the_subset(void)
{
    json_t *body = json_loads(valid, 0, NULL);
    struct field_errors errors = {0};
    struct lot *lot = NULL;

    json_object_del(body, "hours");
    json_object_set_new(body, "opening_hours", json_string("Mo-Fr 18:30-07:30; Sa,Su,PH 24/7"));
    CHECK_INT_EQ(lot_from_json("lot-1", body, &lot, &errors), 0);
    CHECK_STR_EQ(lot->opening_hours, "Mo-Fr 18:30-07:30; Sa,Su,PH 24/7");
    lot_free(lot);
    json_decref(body);
}

/* Validate a minimal lot named name; returns what lot_from_json returns. */
static int lot_from_name(const char *name)
{
    char text[1400];
    struct field_errors errors = {0};
    struct lot *lot = NULL;
    json_t *body;
    int result;

    snprintf(text, sizeof(text),
             "{\"name\":\"%s\",\"kind\":\"public\",\"location\":{\"lat\":0,\"lon\":0},"
             "\"capacity\":1}",
             name);
    body = json_loads(text, 0, NULL);
    result = lot_from_json("p", body, &lot, &errors);
    lot_free(lot);
    json_decref(body);
    return result;
}

static void test_characters_not_bytes(void)
{
    char name[1024] = "";

    for (int i = 0; i < 200; i++)
        strcat(name, "车");
    CHECK_INT_EQ(lot_from_name(name), 0);
    strcat(name, "位");
    CHECK_INT_EQ(lot_from_name(name), LOT_ERROR_INVALID);
}

static void test_all_errors_at_once_and_summary(void)
{
    json_t *body = json_loads("{\"kind\":\"x\",\"capacity\":0,\"extra\":1}", 0, NULL);
    struct field_errors errors = {0};
    struct lot *lot = NULL;
    char summary[256];
    json_t *list;

    CHECK_INT_EQ(lot_from_json("Bad Id", body, &lot, &errors), LOT_ERROR_INVALID);
    CHECK_INT_EQ(errors.count, 6); /* id, extra, name, kind, location, capacity */
    field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
    CHECK_STR_EQ(summary, "id: must match [a-z0-9][a-z0-9_-]{0,63} (and 5 more)");
    list = field_errors_to_json(&errors);
    CHECK_INT_EQ(json_array_size(list), 6);
    CHECK_STR_EQ(json_string_value(json_object_get(json_array_get(list, 1), "field")), "extra");
    json_decref(list);
    json_decref(body);
    field_errors_clear(&errors);
    CHECK_INT_EQ(errors.count, 0);
    body = json_loads("[1]", 0, NULL);
    CHECK_INT_EQ(lot_from_json("a", body, &lot, &errors), LOT_ERROR_INVALID);
    CHECK_STR_EQ(errors.items[0].field, "body");
    json_decref(body);
}

static void test_ids(void)
{
    static const char *const valid_ids[] = {"a", "gov-city_hall-2"};
    static const char *const invalid_ids[] = {"", "-a", "_a", "A", "a.b", NULL};
    for (size_t i = 0; i < sizeof(valid_ids) / sizeof(valid_ids[0]); i++)
        CHECK(lot_id_is_valid(valid_ids[i]));
    for (size_t i = 0; i < sizeof(invalid_ids) / sizeof(invalid_ids[0]); i++)
        CHECK(!lot_id_is_valid(invalid_ids[i]));
    char long_id[66];
    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    CHECK(!lot_id_is_valid(long_id));
    long_id[64] = '\0';
    CHECK(lot_id_is_valid(long_id));
}

/* The shipped demo city is valid and has the story's numbers. */
static void test_demo_city(void)
{
    const char *root = getenv("PARKSHARE_SOURCE_ROOT");
    char path[4096];
    json_t *document, *entry;
    size_t index;
    int64_t government = 0, reclaimed = 0, government_lots = 0, planned = 0;

    snprintf(path, sizeof(path), "%s/config/demo/lots.json", root ? root : ".");
    document = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    CHECK(document != NULL);
    json_array_foreach(json_object_get(document, "lots"), index, entry)
    {
        struct field_errors errors = {0};
        struct lot *lot = NULL;
        const char *id = json_string_value(json_object_get(entry, "id"));
        CHECK_INT_EQ(lot_from_json(id, entry, &lot, &errors), 0);
        if (lot == NULL) {
            fprintf(stderr, "demo lot %s: %s %s\n", id, errors.items[0].field,
                    errors.items[0].rule);
            continue;
        }
        if (lot->kind == LOT_KIND_GOVERNMENT) {
            government += lot->capacity;
            government_lots++;
            /* The agency rule: at most 7 seats, no commercial vehicles; entry said. */
            CHECK_INT_EQ(json_integer_value(json_object_get(lot->vehicles, "max_seats")), 7);
            CHECK(json_is_false(json_object_get(lot->vehicles, "commercial")));
            CHECK(lot->entry != NULL);
            planned += json_object_get(lot->spaces, "disabled") != NULL &&
                       json_object_get(lot->spaces, "charging") != NULL;
        } else if (lot->kind == LOT_KIND_RECLAIMED) {
            reclaimed += lot->capacity;
        }
        lot_free(lot);
    }
    CHECK_INT_EQ(government_lots, 15);
    CHECK_INT_EQ(planned, 2); /* two agency lots declare disabled and charging spaces */
    CHECK_INT_EQ(government, 976);
    CHECK(reclaimed >= 2950 && reclaimed <= 3150);
    json_decref(document);
}

int main(void)
{
    RUN_TEST(test_valid_round_trip);
    RUN_TEST(test_field_rules);
    RUN_TEST(test_characters_not_bytes);
    RUN_TEST(test_names_in_other_languages);
    RUN_TEST(test_opening_hours_accepted_within_the_subset);
    RUN_TEST(test_all_errors_at_once_and_summary);
    RUN_TEST(test_ids);
    RUN_TEST(test_demo_city);
    return check_exit_status();
}
