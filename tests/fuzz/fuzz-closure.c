/* fuzz-closure.c: a closure's POST body, the stored list, and what is judged from them. */
#include "closure.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* 2026-12-01T00:00:00Z, and closure_max_open's default. */
#define NOW      1796083200000LL
#define MAX_OPEN (24LL * 3600000LL)

/* What readers do with a list: none of it may crash, and an active closure is within it. */
static void judge_list(const json_t *list)
{
    int64_t until = -1;
    const json_t *active = closure_active(list, NOW, &until);
    json_t *shown = closure_public_list(list, NOW, CLOSURE_UPCOMING_MS, NULL);

    if (active != NULL &&
        (until <= NOW || json_integer_value(json_object_get(active, "to")) > until))
        abort();
    if (closure_next_boundary(list, NOW) == NOW)
        abort();
    json_decref(shown);
}

/* An accepted request: its record obeys the rules, and survives the stored form. */
static void check_record(json_t *record)
{
    int64_t from = json_integer_value(json_object_get(record, "from"));
    int64_t to = json_integer_value(json_object_get(record, "to"));
    json_t *list = json_array();
    char *text;
    json_t *parsed;

    if (to <= from || to <= NOW || from > NOW + CLOSURE_HORIZON_MS)
        abort();
    json_object_set_new(record, "id", json_string("7"));
    json_array_append(list, record);
    text = json_dumps(list, JSON_COMPACT);
    parsed = closure_list_parse(text);
    if (text == NULL || parsed == NULL || json_array_size(parsed) != 1)
        abort();
    judge_list(parsed);
    free(text);
    json_decref(parsed);
    json_decref(list);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    json_t *body = json_loadb((const char *)data, size, 0, NULL), *record = NULL, *stored;
    struct field_error error;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* The same bytes as a stored list, as a load or a change message hands it over. */
    stored = closure_list_parse(text);
    judge_list(stored);
    json_decref(stored);
    if (body != NULL && closure_parse_request(body, NOW, MAX_OPEN, &record, &error) == 0)
        check_record(record);
    else if (record != NULL)
        abort();
    json_decref(record);
    json_decref(body);
    free(text);
    return 0;
}
