/* fuzz-lot.c: lot validation, the canonical JSON round trip, and the space types' plan. */
#include "lot.h"
#include "space.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static json_t *no_time(int64_t utc_ms, const void *data)
{
    (void)data;
    return utc_ms < 0 ? json_null() : json_integer(utc_ms);
}

/*
 * An accepted plan keeps its promises: each type within the lot's capacity,
 * the sum too, and an answer whose free counts stay within [0, capacity]
 * whatever the counts (taken from the input's bytes, stale or not).
 */
static void check_plan(const struct lot *lot, const unsigned char *data, size_t size)
{
    struct space_counts counts;
    int64_t sum = 0;
    unsigned fresh;
    json_t *answer;

    space_counts_clear(&counts);
    for (int type = 0; type < SPACE_TYPE_COUNT; type++) {
        json_t *plan = json_object_get(lot->spaces, space_type_name(type));
        int64_t capacity = json_integer_value(json_object_get(plan, "capacity"));
        if (plan != NULL && (capacity < 1 || capacity > lot->capacity))
            abort();
        sum += capacity;
        if (size > (size_t)type) {
            counts.occupied[type] = (int64_t)data[type] - 64;
            counts.updated_at_ms[type] = data[type] % 3 == 0 ? -1 : 1000;
        }
    }
    if (sum > lot->capacity)
        abort();
    {
        json_t *static_json = lot_static_to_json(lot);
        fresh = space_counts_fresh(static_json, &counts, 1000, 0);
        answer = space_answer(static_json, &counts, fresh, no_time, NULL);
        for (int type = 0; type < SPACE_TYPE_COUNT; type++) {
            json_t *one = json_object_get(answer, space_type_name(type));
            json_t *free_spaces = json_object_get(one, "free");
            if (json_is_integer(free_spaces) &&
                (json_integer_value(free_spaces) < 0 ||
                 json_integer_value(free_spaces) >
                     json_integer_value(json_object_get(one, "capacity"))))
                abort();
        }
        json_decref(answer);
        json_decref(static_json);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, 0, NULL);
    struct field_errors errors = {0};
    struct lot *lot = NULL, *again = NULL;

    if (body != NULL && lot_from_json("fuzz-lot", body, &lot, &errors) == 0) {
        json_t *canonical = lot_static_to_json(lot), *second_canonical = NULL;
        struct field_errors second = {0};
        /* What was accepted once must be accepted again from its canonical form, unchanged. */
        if (canonical == NULL || lot_from_json("fuzz-lot", canonical, &again, &second) != 0)
            abort();
        second_canonical = lot_static_to_json(again);
        if (second_canonical == NULL || !json_equal(canonical, second_canonical))
            abort();
        check_plan(lot, data, size);
        json_decref(second_canonical);
        json_decref(canonical);
    }
    lot_free(lot);
    lot_free(again);
    json_decref(body);
    return 0;
}
