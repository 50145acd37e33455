/* test-occupancy.c: parsing and validation of attendant update requests. */
#include "check.h"
#include "occupancy.h"
#include "space.h"

/* One refused request: the body, and the field and rule the refusal names. */
struct refusal {
    const char *body;
    const char *field;
    const char *rule;
};

/* Parse each body as a batch item (item) or a single update and expect its refusal. */
static void expect_refusals(const struct refusal *refusals, size_t count, bool item)
{
    for (size_t i = 0; i < count; i++) {
        struct occupancy_update update;
        struct field_error problem = {{0}, {0}};
        json_t *body = json_loads(refusals[i].body, 0, NULL);
        int result = item ? occupancy_parse_item(body, &update, &problem)
                          : occupancy_parse_single(body, "gov-a", &update, &problem);
        CHECK_INT_EQ(result, OCCUPANCY_ERROR_INVALID);
        CHECK_STR_EQ(problem.field, refusals[i].field);
        CHECK_STR_EQ(problem.rule, refusals[i].rule);
        json_decref(body);
    }
}

static void test_single(void)
{
    struct occupancy_update update;
    struct field_error problem;
    json_t *body = json_loads("{\"delta\": -3}", 0, NULL);

    CHECK_INT_EQ(occupancy_parse_single(body, "gov-a", &update, &problem), 0);
    CHECK_STR_EQ(update.lot_id, "gov-a");
    CHECK(!update.recount);
    CHECK_INT_EQ(update.value, -3);
    CHECK(!update.has_idempotency_key);
    json_decref(body);
    body = json_loads("{\"occupied\": 0}", 0, NULL);
    CHECK_INT_EQ(occupancy_parse_single(body, "gov-a", &update, &problem), 0);
    CHECK(update.recount);
    CHECK_INT_EQ(update.value, 0);
    json_decref(body);
}

static void test_single_refusals(void)
{
    static const struct refusal refusals[] = {
        {"{\"delta\": 0}", "delta", "must be a non-zero integer from -100000 to 100000"},
        {"{\"delta\": 100001}", "delta", "must be a non-zero integer from -100000 to 100000"},
        {"{\"delta\": 2.0}", "delta", "must be an integer (not a string or a fraction)"},
        {"{\"delta\": \"2\"}", "delta", "must be an integer (not a string or a fraction)"},
        {"{\"occupied\": -1}", "occupied", "must be an integer from 0 to 100000"},
        {"{\"occupied\": true}", "occupied", "must be an integer (not a string or a fraction)"},
        {"{}", "delta", "give exactly one of delta (a change) or occupied (a recount)"},
        {"{\"delta\": 1, \"occupied\": 1}", "occupied",
         "give exactly one of delta (a change) or occupied (a recount)"},
        {"{\"delta\": 1, \"id\": \"gov-a\"}", "id",
         "unknown field; expected delta or occupied, and space"},
        {"[]", "body", "must be a JSON object"},
    };
    expect_refusals(refusals, sizeof(refusals) / sizeof(refusals[0]), false);
}

static void test_items(void)
{
    struct occupancy_update update;
    struct field_error problem;
    json_t *item =
        json_loads("{\"id\":\"gov-b\",\"occupied\":7,\"idempotency_key\":\"k-1\"}", 0, NULL);
    CHECK_INT_EQ(occupancy_parse_item(item, &update, &problem), 0);
    CHECK_STR_EQ(update.lot_id, "gov-b");
    CHECK(update.recount);
    CHECK_INT_EQ(update.value, 7);
    CHECK(update.has_idempotency_key);
    CHECK_STR_EQ(update.idempotency_key, "k-1");
    json_decref(item);
    static const struct refusal refusals[] = {
        {"{\"delta\": 1}", "id", "is required"},
        {"{\"id\": \"Gov A\", \"delta\": 1}", "id", "must be a lot id ([a-z0-9][a-z0-9_-]{0,63})"},
        {"{\"id\": \"a\", \"delta\": 1, \"idempotency_key\": \"\"}", "idempotency_key",
         "must be 1 to 128 printable ASCII characters without spaces"},
        {"{\"id\": \"a\", \"delta\": 1, \"key\": \"x\"}", "key",
         "unknown field; expected id, delta or occupied, idempotency_key and space"},
    };
    expect_refusals(refusals, sizeof(refusals) / sizeof(refusals[0]), true);
}

static void test_keys(void)
{
    char longest[WIRE_IDEMPOTENCY_KEY_MAX + 2];
    memset(longest, 'k', sizeof(longest));
    longest[WIRE_IDEMPOTENCY_KEY_MAX] = '\0';
    CHECK(occupancy_key_is_valid(longest));
    longest[WIRE_IDEMPOTENCY_KEY_MAX] = 'k';
    longest[WIRE_IDEMPOTENCY_KEY_MAX + 1] = '\0';
    CHECK(!occupancy_key_is_valid(longest));
    CHECK(occupancy_key_is_valid("0b8f7c1e-4a5d-4c1b-9a55-5b2f8e3f2d11"));
    static const char *const invalid_keys[] = {"", "a b", "tab\there", "\x7f", "键"};
    for (size_t i = 0; i < sizeof(invalid_keys) / sizeof(invalid_keys[0]); i++)
        CHECK(!occupancy_key_is_valid(invalid_keys[i]));
}

static void test_batch_envelope(void)
{
    struct field_error problem;
    json_t *body = json_loads("{\"updates\": [{\"id\":\"a\",\"delta\":1}]}", 0, NULL);
    CHECK(occupancy_batch_items(body, &problem) == json_object_get(body, "updates"));
    json_decref(body);
    body = json_loads("{\"updates\": []}", 0, NULL);
    CHECK(occupancy_batch_items(body, &problem) == NULL);
    CHECK_STR_EQ(problem.field, "updates");
    CHECK_STR_EQ(problem.rule, "must be an array of 1 to 500 updates");
    json_decref(body);
    body = json_loads("{\"updates\": [], \"extra\": 1}", 0, NULL);
    CHECK(occupancy_batch_items(body, &problem) == NULL);
    CHECK_STR_EQ(problem.field, "extra");
    json_decref(body);
    body = json_array();
    for (int i = 0; i < 501; i++)
        json_array_append_new(body, json_object());
    json_t *envelope = json_pack("{s:o}", "updates", body);
    CHECK(occupancy_batch_items(envelope, &problem) == NULL);
    json_decref(envelope);
}

/* "space" names the type counted; the whole lot's update carries -1. */
static void test_space(void)
{
    struct occupancy_update update;
    struct field_error problem;
    json_t *body = json_loads("{\"delta\": 1, \"space\": \"charging\"}", 0, NULL);

    CHECK_INT_EQ(occupancy_parse_single(body, "gov-a", &update, &problem), 0);
    CHECK_INT_EQ(update.space, SPACE_CHARGING);
    CHECK_INT_EQ(update.value, 1);
    json_decref(body);
    body = json_loads("{\"occupied\": 2}", 0, NULL);
    CHECK_INT_EQ(occupancy_parse_single(body, "gov-a", &update, &problem), 0);
    CHECK_INT_EQ(update.space, -1);
    json_decref(body);
    body = json_loads("{\"id\":\"gov-b\",\"occupied\":3,\"space\":\"reserved\"}", 0, NULL);
    CHECK_INT_EQ(occupancy_parse_item(body, &update, &problem), 0);
    CHECK_INT_EQ(update.space, SPACE_RESERVED);
    json_decref(body);
    static const struct refusal refusals[] = {
        {"{\"delta\": 1, \"space\": \"electric\"}", "space",
         "must be a space type: disabled, charging, family, women, carsharing, bus, truck, "
         "motorcycle or reserved"},
        {"{\"delta\": 1, \"space\": 3}", "space",
         "must be a space type: disabled, charging, family, women, carsharing, bus, truck, "
         "motorcycle or reserved"},
    };
    expect_refusals(refusals, sizeof(refusals) / sizeof(refusals[0]), false);
}

int main(void)
{
    RUN_TEST(test_single);
    RUN_TEST(test_single_refusals);
    RUN_TEST(test_items);
    RUN_TEST(test_keys);
    RUN_TEST(test_batch_envelope);
    RUN_TEST(test_space);
    return check_exit_status();
}
