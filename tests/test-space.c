/* test-space.c: space types, vehicles and entry: validation, canonical form, counts and answers. */
#include "change.h"
#include "check.h"
#include "lot.h"
#include "snapshot.h"
#include "space.h"

#include <stdlib.h>

#define MINUTE 60000LL
static const int64_t now = 1795489670000LL;

/* Validate fields (a JSON object text) for a lot of capacity; returns the error count. */
static size_t take(const char *fields, int64_t capacity, json_t **spaces, json_t **vehicles,
                   char **entry, struct field_errors *errors)
{
    json_t *body = json_loads(fields, 0, NULL);
    CHECK(body != NULL);
    *spaces = *vehicles = NULL;
    *entry = NULL;
    memset(errors, 0, sizeof(*errors));
    CHECK_INT_EQ(space_take_lot_fields(body, capacity, spaces, vehicles, entry, errors), 0);
    json_decref(body);
    return errors->count;
}

/* The one error of fields: its field and rule, exactly. */
static void expect_error(const char *fields, int64_t capacity, const char *field, const char *rule)
{
    struct field_errors errors;
    json_t *spaces, *vehicles;
    char *entry;

    CHECK_INT_EQ(take(fields, capacity, &spaces, &vehicles, &entry, &errors), 1);
    if (errors.count >= 1) {
        CHECK_STR_EQ(errors.items[0].field, field);
        CHECK_STR_EQ(errors.items[0].rule, rule);
    }
    json_decref(spaces);
    json_decref(vehicles);
    free(entry);
}

static void test_vocabulary(void)
{
    CHECK_INT_EQ(space_type_from_name("disabled"), SPACE_DISABLED);
    CHECK_INT_EQ(space_type_from_name("reserved"), SPACE_RESERVED);
    CHECK_INT_EQ(space_type_from_name("motorcycle"), SPACE_MOTORCYCLE);
    CHECK_INT_EQ(space_type_from_name("Charging"), -1);
    CHECK_INT_EQ(space_type_from_name("ev"), -1);
    CHECK_INT_EQ(space_type_from_name(NULL), -1);
    for (int type = 0; type < SPACE_TYPE_COUNT; type++)
        CHECK_INT_EQ(space_type_from_name(space_type_name(type)), type);
}

/* The canonical forms: types in vocabulary order whatever the body's order. */
static void test_canonical(void)
{
    struct field_errors errors;
    json_t *spaces, *vehicles;
    char *entry, *text;

    CHECK_INT_EQ(take("{\"spaces\":{\"reserved\":{\"note\":\"service hall visitors\","
                      "\"capacity\":40},\"charging\":{\"capacity\":6},\"disabled\":{\"capacity\":"
                      "4}},\"vehicles\":{\"commercial\":false,\"max_seats\":7},"
                      "\"entry\":\"registration\"}",
                      120, &spaces, &vehicles, &entry, &errors),
                 0);
    text = json_dumps(spaces, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(text, "{\"disabled\":{\"capacity\":4},\"charging\":{\"capacity\":6},"
                       "\"reserved\":{\"capacity\":40,\"note\":\"service hall visitors\"}}");
    free(text);
    text = json_dumps(vehicles, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(text, "{\"max_seats\":7,\"commercial\":false}");
    free(text);
    CHECK_STR_EQ(entry, "registration");
    json_decref(spaces);
    json_decref(vehicles);
    free(entry);
    /* None of them: nothing. */
    CHECK_INT_EQ(take("{}", 10, &spaces, &vehicles, &entry, &errors), 0);
    CHECK(spaces == NULL && vehicles == NULL && entry == NULL);
}

static void test_refusals(void)
{
    expect_error("{\"spaces\":{\"electric\":{\"capacity\":2}}}", 10, "spaces",
                 "unknown space type 'electric'; expected disabled, charging, family, women, "
                 "carsharing, bus, truck, motorcycle or reserved");
    expect_error("{\"spaces\":{\"charging\":{\"capacity\":11}}}", 10, "spaces.charging.capacity",
                 "must be an integer from 1 to the lot's capacity 10");
    expect_error("{\"spaces\":{\"charging\":{\"capacity\":0}}}", 10, "spaces.charging.capacity",
                 "must be an integer from 1 to the lot's capacity 10");
    expect_error("{\"spaces\":{\"charging\":{\"capacity\":\"3\"}}}", 10, "spaces.charging.capacity",
                 "must be an integer from 1 to the lot's capacity 10");
    expect_error("{\"spaces\":{\"charging\":{\"capacity\":6},\"disabled\":{\"capacity\":5}}}", 10,
                 "spaces", "the types' capacities sum to 11, above the lot's capacity 10");
    expect_error("{\"spaces\":{\"reserved\":{\"capacity\":4}}}", 10, "spaces.reserved.note",
                 "is required: the purpose the spaces are kept for");
    expect_error("{\"spaces\":{\"charging\":{\"capacity\":2,\"note\":\"a\\nb\"}}}", 10,
                 "spaces.charging.note", "must be single-line text of 1 to 200 characters");
    expect_error("{\"spaces\":{\"charging\":{\"capacity\":2,\"kw\":22}}}", 10, "spaces.charging",
                 "unknown member 'kw'; expected capacity and note");
    expect_error("{\"spaces\":[\"charging\"]}", 10, "spaces",
                 "must be an object of capacities by space type");
    expect_error("{\"vehicles\":{\"max_seats\":0}}", 10, "vehicles.max_seats",
                 "must be an integer from 1 to 99");
    expect_error("{\"vehicles\":{\"commercial\":\"no\"}}", 10, "vehicles.commercial",
                 "must be true (commercial vehicles admitted) or false");
    expect_error("{\"vehicles\":{\"seats\":7}}", 10, "vehicles",
                 "unknown member 'seats'; expected max_seats and commercial");
    expect_error("{\"vehicles\":{}}", 10, "vehicles",
                 "must be an object such as {\"max_seats\": 7, \"commercial\": false}");
    expect_error("{\"entry\":\"open\"}", 10, "entry",
                 "must be \"free\" or \"registration\" (registration at the gate)");
}

/* Through the lot: the fields are known, canonical JSON keeps them, and a round trip is equal. */
static void test_lot_round_trip(void)
{
    json_t *body = json_loads(
        "{\"entry\":\"free\",\"name\":\"Hall\",\"kind\":\"government\",\"location\":{\"lat\":1,"
        "\"lon\":2},\"capacity\":50,\"vehicles\":{\"max_seats\":7,\"commercial\":false},"
        "\"spaces\":{\"charging\":{\"capacity\":6},\"disabled\":{\"capacity\":2}}}",
        0, NULL);
    struct field_errors errors = {0};
    struct lot *lot = NULL, *again = NULL;
    json_t *canonical, *second;

    CHECK_INT_EQ(lot_from_json("hall", body, &lot, &errors), 0);
    canonical = lot_static_to_json(lot);
    CHECK_INT_EQ(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(canonical, "spaces"), "charging"), "capacity")),
        6);
    CHECK_STR_EQ(json_string_value(json_object_get(canonical, "entry")), "free");
    CHECK_INT_EQ(lot_from_json("hall", canonical, &again, &errors), 0);
    second = lot_static_to_json(again);
    CHECK(json_equal(canonical, second));
    json_decref(second);
    json_decref(canonical);
    lot_free(again);
    lot_free(lot);
    /* Type capacities are judged against the body's lot capacity. */
    json_object_set_new(body, "capacity", json_integer(7));
    memset(&errors, 0, sizeof(errors));
    CHECK_INT_EQ(lot_from_json("hall", body, &lot, &errors), LOT_ERROR_INVALID);
    CHECK_INT_EQ(errors.count, 1);
    CHECK_STR_EQ(errors.items[0].field, "spaces");
    CHECK_STR_EQ(errors.items[0].rule,
                 "the types' capacities sum to 8, above the lot's capacity 7");
    json_decref(body);
}

static const char planned[] =
    "{\"name\":\"Hall\",\"kind\":\"government\",\"location\":{\"lat\":1,\"lon\":2},"
    "\"capacity\":50,\"spaces\":{\"disabled\":{\"capacity\":2},\"charging\":{\"capacity\":6}}}";

static void test_counts_and_freshness(void)
{
    json_t *lot = json_loads(planned, 0, NULL);
    struct space_counts counts;
    unsigned fresh;

    space_counts_clear(&counts);
    CHECK_INT_EQ(space_counts_fresh(lot, &counts, now, 30 * MINUTE), 0);
    counts.occupied[SPACE_CHARGING] = 4;
    counts.updated_at_ms[SPACE_CHARGING] = now - 5 * MINUTE;
    counts.occupied[SPACE_DISABLED] = 1;
    counts.updated_at_ms[SPACE_DISABLED] = now - 31 * MINUTE;
    /* A count of a type the lot does not declare is never fresh. */
    counts.occupied[SPACE_BUS] = 1;
    counts.updated_at_ms[SPACE_BUS] = now;
    fresh = space_counts_fresh(lot, &counts, now, 30 * MINUTE);
    CHECK_INT_EQ(fresh, 1u << SPACE_CHARGING);
    CHECK_INT_EQ(space_free(lot, &counts, fresh, SPACE_CHARGING), 2);
    CHECK_INT_EQ(space_free(lot, &counts, fresh, SPACE_DISABLED), -1);
    CHECK_INT_EQ(space_free(lot, &counts, fresh, SPACE_BUS), -1);
    CHECK_INT_EQ(space_counts_next_stale(fresh, &counts, 30 * MINUTE), now + 25 * MINUTE + 1);
    /* A count above a capacity lowered since is shown as the capacity: free 0, never negative. */
    counts.occupied[SPACE_CHARGING] = 9;
    CHECK_INT_EQ(space_free(lot, &counts, fresh, SPACE_CHARGING), 0);
    json_decref(lot);
}

/* Through the snapshot: a type's change message, its answer, staleness, and a lot PUT keeping it.
 */
static void test_snapshot_answer(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {{"hall", planned, 10, 3, now - MINUTE, NULL}};
    const char message[] = "{\"type\":\"occupancy\",\"id\":\"hall\",\"version\":4,\"occupied\":5,"
                           "\"updated_at\":1795489670000,\"space\":\"charging\"}";
    const char *changed = NULL;
    size_t skipped;
    json_t *answer, *spaces;
    char *text;

    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, now, &skipped),
                 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, message, strlen(message), now, &changed), 0);
    CHECK_STR_EQ(changed, "hall");
    answer = snapshot_lot_json(snapshot, snapshot_find(snapshot, "hall"));
    /* The lot's own count is untouched; the version is the lot's. */
    CHECK_INT_EQ(json_integer_value(json_object_get(answer, "occupied")), 10);
    CHECK_INT_EQ(json_integer_value(json_object_get(answer, "version")), 4);
    spaces = json_object_get(answer, "spaces");
    text = json_dumps(spaces, JSON_COMPACT | JSON_PRESERVE_ORDER);
    CHECK_STR_EQ(text, "{\"disabled\":{\"capacity\":2,\"occupied\":null,\"free\":null,"
                       "\"updated_at\":null},\"charging\":{\"capacity\":6,\"occupied\":5,"
                       "\"free\":1,\"updated_at\":\"2026-11-24T03:07:50.000Z\"}}");
    free(text);
    json_decref(answer);
    /* Thirty minutes and a millisecond later the type's free is unknown, as a lot's would be. */
    CHECK_INT_EQ(snapshot_next_deadline(snapshot), now + 29 * MINUTE + 1);
    CHECK(snapshot_refresh(snapshot, now + 30 * MINUTE + 1, false) >= 1);
    answer = snapshot_lot_json(snapshot, snapshot_find(snapshot, "hall"));
    spaces = json_object_get(json_object_get(answer, "spaces"), "charging");
    CHECK(json_is_null(json_object_get(spaces, "free")));
    CHECK_INT_EQ(json_integer_value(json_object_get(spaces, "occupied")), 5);
    json_decref(answer);
    snapshot_free(snapshot);
}

/* A lot change (PUT) keeps the type counts this daemon holds; a type report as old as them loses.
 */
static void test_snapshot_lot_change_keeps_counts(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct space_counts counts;
    struct snapshot_record records[] = {{"hall", planned, 10, 3, now - MINUTE, &counts}};
    const char put[] = "{\"type\":\"lot\",\"id\":\"hall\",\"version\":5,\"occupied\":10,"
                       "\"updated_at\":1795489610000,\"lot\":{\"name\":\"Hall\",\"kind\":"
                       "\"government\",\"location\":{\"lat\":1,\"lon\":2},\"capacity\":50,"
                       "\"spaces\":{\"charging\":{\"capacity\":3}}}}";
    const char older[] = "{\"type\":\"occupancy\",\"id\":\"hall\",\"version\":3,\"occupied\":0,"
                         "\"updated_at\":1795489670000,\"space\":\"charging\"}";
    const struct snapshot_lot *lot;
    size_t skipped;

    space_counts_clear(&counts);
    counts.occupied[SPACE_CHARGING] = 5;
    counts.updated_at_ms[SPACE_CHARGING] = now - MINUTE;
    counts.version[SPACE_CHARGING] = 3; /* as the store loads it: the lot's version */
    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, now, &skipped),
                 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, put, strlen(put), now, NULL), 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, older, strlen(older), now, NULL), 0);
    lot = snapshot_find(snapshot, "hall");
    CHECK_INT_EQ(lot->spaces->occupied[SPACE_CHARGING], 5);
    /* Shown against the lowered capacity 3: occupied 3, free 0. */
    CHECK_INT_EQ(space_free(lot->space_plan, lot->spaces, lot->spaces_fresh, SPACE_CHARGING), 0);
    CHECK(strstr(lot->answer->body, "\"charging\":{\"capacity\":3,\"occupied\":3,\"free\":0,") !=
          NULL);
    CHECK(strstr(lot->answer->body, "disabled") == NULL);
    snapshot_free(snapshot);
}

/*
 * A daemon shows its own write at once, so a newer version of one count can
 * arrive before an older one of another: each count is judged by its own
 * version, and the lot's version is the newest.
 */
static void test_counts_race_by_their_own_versions(void)
{
    struct snapshot_options options = {30 * MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {{"hall", planned, 10, 3, now - MINUTE, NULL}};
    const char type_five[] = "{\"type\":\"occupancy\",\"id\":\"hall\",\"version\":5,"
                             "\"occupied\":2,\"updated_at\":1795489670000,\"space\":\"charging\"}";
    const char lot_four[] = "{\"type\":\"occupancy\",\"id\":\"hall\",\"version\":4,"
                            "\"occupied\":17,\"updated_at\":1795489670000}";
    const char type_four[] = "{\"type\":\"occupancy\",\"id\":\"hall\",\"version\":4,"
                             "\"occupied\":6,\"updated_at\":1795489670000,\"space\":\"charging\"}";
    const char lot_three[] = "{\"type\":\"occupancy\",\"id\":\"hall\",\"version\":3,"
                             "\"occupied\":1,\"updated_at\":1795489670000}";
    const struct snapshot_lot *lot;
    size_t skipped;

    CHECK_INT_EQ(snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 1, now, &skipped),
                 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, type_five, strlen(type_five), now, NULL), 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, lot_four, strlen(lot_four), now, NULL), 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, type_four, strlen(type_four), now, NULL), 0);
    CHECK_INT_EQ(snapshot_apply(snapshot, lot_three, strlen(lot_three), now, NULL), 0);
    lot = snapshot_find(snapshot, "hall");
    CHECK_INT_EQ(lot->occupied, 17);                        /* version 4 still applied */
    CHECK_INT_EQ(lot->spaces->occupied[SPACE_CHARGING], 2); /* version 4 of the type lost */
    CHECK_INT_EQ(lot->version, 5);
    CHECK(strstr(lot->answer->body, "\"occupied\":17,") != NULL);
    snapshot_free(snapshot);
}

static void test_change_space(void)
{
    struct change change;
    const char good[] = "{\"type\":\"occupancy\",\"id\":\"a\",\"version\":2,\"occupied\":1,"
                        "\"updated_at\":5,\"space\":\"women\"}";
    const char bad[] = "{\"type\":\"occupancy\",\"id\":\"a\",\"version\":2,\"occupied\":1,"
                       "\"updated_at\":5,\"space\":\"ladies\"}";
    const char whole[] = "{\"type\":\"occupancy\",\"id\":\"a\",\"version\":2,\"occupied\":1,"
                         "\"updated_at\":5}";

    CHECK_INT_EQ(change_parse(good, strlen(good), &change), 0);
    CHECK(change.has_space);
    CHECK_INT_EQ(change.space, SPACE_WOMEN);
    change_deinit(&change);
    CHECK_INT_EQ(change_parse(whole, strlen(whole), &change), 0);
    CHECK(!change.has_space);
    change_deinit(&change);
    CHECK_INT_EQ(change_parse(bad, strlen(bad), &change), CHANGE_ERROR_MEMBER);
}

int main(void)
{
    RUN_TEST(test_vocabulary);
    RUN_TEST(test_canonical);
    RUN_TEST(test_refusals);
    RUN_TEST(test_lot_round_trip);
    RUN_TEST(test_counts_and_freshness);
    RUN_TEST(test_snapshot_answer);
    RUN_TEST(test_snapshot_lot_change_keeps_counts);
    RUN_TEST(test_counts_race_by_their_own_versions);
    RUN_TEST(test_change_space);
    return check_exit_status();
}
