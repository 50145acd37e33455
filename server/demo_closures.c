/* demo_closures.c: the demo city's announced closures, placed relative to the day it is loaded. */
#include "demo_closures.h"

#include "civil.h"
#include "clock.h"
#include "closure.h"
#include "log.h"
#include "store_closures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "bootstrap";

/* Hours of a demo closure at most: it is an event, not a season. */
#define DEMO_CLOSURE_HOURS_MAX 72

/* The POST body of an entry, placed from now: a new object, or NULL (a message in error). */
static json_t *closure_body(const json_t *entry, int64_t now_ms, char *error, size_t size)
{
    const char *start = json_string_value(json_object_get(entry, "start"));
    json_int_t in_days = json_integer_value(json_object_get(entry, "in_days"));
    json_int_t hours = json_integer_value(json_object_get(entry, "hours"));
    const json_t *weekday = json_object_get(entry, "weekday");
    int hour = -1, minute = -1, consumed = 0;
    int64_t from_ms, day;
    char from[32], to[32];
    json_t *body;

    if (start == NULL || sscanf(start, "%2d:%2d%n", &hour, &minute, &consumed) != 2 ||
        start[consumed] != '\0' || hour > 23 || minute > 59 || hour < 0 || minute < 0 ||
        in_days < 1 || in_days > 30 || hours < 1 || hours > DEMO_CLOSURE_HOURS_MAX ||
        (weekday != NULL && (json_integer_value(weekday) < 1 || json_integer_value(weekday) > 7))) {
        snprintf(error, size,
                 "a closure needs \"in_days\" 1..30, \"start\" \"HH:MM\", \"hours\" 1..%d "
                 "and, if given, \"weekday\" 1..7 (ISO, Monday 1)",
                 DEMO_CLOSURE_HOURS_MAX);
        return NULL;
    }
    day = clock_local_minute(now_ms) / 1440 + in_days;
    /* With weekday: the first such day from in_days on (a weekend lot is open then). */
    while (weekday != NULL && civil_weekday(day) + 1 != json_integer_value(weekday))
        day++;
    from_ms = clock_utc_ms(day * 1440 + hour * 60 + minute);
    clock_format_local(from_ms, from);
    clock_format_local(from_ms + hours * 3600000LL, to);
    body = json_pack("{s:s, s:s, s:O*, s:O*}", "from", from, "to", to, "reason",
                     json_object_get(entry, "reason"), "names", json_object_get(entry, "names"));
    if (body == NULL)
        snprintf(error, size, "out of memory");
    return body;
}

/* The stored form of an entry placed from now, or NULL (a message in error). */
static json_t *closure_record(const json_t *entry, int64_t now_ms, char *error, size_t size)
{
    json_t *body = closure_body(entry, now_ms, error, size), *record = NULL;
    struct field_error refusal = {{0}, {0}};

    if (body != NULL && closure_parse_request(body, now_ms, 0, &record, &refusal) != 0)
        snprintf(error, size, "%s: %s", refusal.field, refusal.rule);
    json_decref(body);
    return record;
}

static bool lot_listed(const json_t *lots, const char *id)
{
    size_t index;
    const json_t *lot;
    json_array_foreach(lots, index, lot)
    {
        if (id != NULL && json_is_string(json_object_get(lot, "id")) &&
            strcmp(json_string_value(json_object_get(lot, "id")), id) == 0)
            return true;
    }
    return false;
}

int demo_closures_check(const json_t *closures, const json_t *lots, char *error, size_t error_size)
{
    size_t index;
    const json_t *entry;
    char reason[256];

    if (closures == NULL)
        return 0;
    if (!json_is_array(closures)) {
        snprintf(error, error_size, "\"closures\" must be an array");
        return -1;
    }
    json_array_foreach(closures, index, entry)
    {
        json_t *record;
        if (!lot_listed(lots, json_string_value(json_object_get(entry, "lot")))) {
            snprintf(error, error_size, "closures[%zu].lot must be one of the demo's lots", index);
            return -1;
        }
        record = closure_record(entry, clock_now_ms(), reason, sizeof(reason));
        if (record == NULL) {
            snprintf(error, error_size, "closures[%zu]: %s", index, reason);
            return -1;
        }
        json_decref(record);
    }
    return 0;
}

static void on_announced(const struct store_closure_result *result, void *data)
{
    if (result->outcome != STORE_OUTCOME_OK)
        log_warning(component, "a demo closure was not stored");
}

void demo_closures_announce(struct store *store, const json_t *closures, const char *admin_hash)
{
    size_t index;
    const json_t *entry;
    char error[256], from[32], to[32];

    json_array_foreach(closures, index, entry)
    {
        json_t *record = closure_record(entry, clock_now_ms(), error, sizeof(error));
        char *text = record ? json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        const char *lot_id = json_string_value(json_object_get(entry, "lot"));
        struct store_closure_write write = {.lot_id = lot_id,
                                            .record_json = text,
                                            .from_text = from,
                                            .to_text = to,
                                            .token_hash = admin_hash,
                                            .client = "demo"};

        if (text != NULL) {
            clock_format_local(json_integer_value(json_object_get(record, "from")), from);
            clock_format_local(json_integer_value(json_object_get(record, "to")), to);
        }
        if (text == NULL ||
            store_closure_announce(store, &write, CLOSURE_MAX_PER_LOT, on_announced, NULL) != 0)
            log_warning(component, "a demo closure of lot %s was not stored", lot_id);
        free(text);
        json_decref(record);
    }
}
