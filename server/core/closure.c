/* closure.c: announced closures of a lot: the request's rules, the stored list, what is in force;
 * pure. */
#include "closure.h"

#include "civil.h"
#include "text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NAMES_MAX         20
#define LANGUAGE_TAG_MAX  35
#define CLOSURE_ID_DIGITS 20

/* An instant member: RFC 3339 with an offset, so that "09:00" is never guessed in some zone. */
static int take_instant(const json_t *body, const char *name, int64_t *ms,
                        struct field_error *error)
{
    const char *text = json_string_value(json_object_get(body, name));
    if (text == NULL || civil_parse_rfc3339(text, ms) != 0)
        return field_error_set(error, name,
                               "must be an RFC 3339 date-time with an offset, such as "
                               "\"2026-12-05T08:00:00+08:00\"");
    return 0;
}

static int check_reason(const json_t *value, const char *field, struct field_error *error)
{
    const char *text = json_string_value(value);
    if (text == NULL || text[0] == '\0' || text_characters(text) > CLOSURE_REASON_MAX_CHARACTERS)
        return field_error_set(error, field, "must be a text of 1 to %d characters",
                               CLOSURE_REASON_MAX_CHARACTERS);
    if (text_has_control(text, false))
        return field_error_set(error, field, "must not hold control characters or line breaks");
    return 0;
}

/* A BCP 47 language tag as lot names use it: letters, digits and '-'. */
static bool tag_is_valid(const char *tag)
{
    size_t length = strlen(tag);
    if (length < 2 || length > LANGUAGE_TAG_MAX || !isalpha((unsigned char)tag[0]))
        return false;
    for (size_t i = 0; i < length; i++) {
        if (!isalnum((unsigned char)tag[i]) && tag[i] != '-')
            return false;
    }
    return tag[length - 1] != '-';
}

/* names: the reason in other languages, by language tag, like a lot's names. */
static int check_names(const json_t *names, struct field_error *error)
{
    const char *tag;
    const json_t *value;
    char field[FIELD_ERROR_FIELD_SIZE];

    if (!json_is_object(names) || json_object_size(names) == 0 ||
        json_object_size(names) > NAMES_MAX)
        return field_error_set(error, "names",
                               "must be an object of 1 to %d reasons by language tag, such as "
                               "{\"en\": \"Road works\"}",
                               NAMES_MAX);
    json_object_foreach((json_t *)names, tag, value)
    {
        if (!tag_is_valid(tag))
            return field_error_set_member(error, "names", tag,
                                          "must be a language tag such as \"en\" or \"zh-Hant\"");
        snprintf(field, sizeof(field), "names.%s", tag);
        if (check_reason(value, field, error) != 0)
            return CLOSURE_ERROR_INVALID;
    }
    return 0;
}

static int check_members(const json_t *body, struct field_error *error)
{
    static const char *const known[] = {"from", "to", "reason", "names"};
    const char *key;
    const json_t *value;

    if (!json_is_object(body))
        return field_error_set(error, "body", "must be a JSON object");
    json_object_foreach((json_t *)body, key, value)
    {
        bool found = false;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            found |= strcmp(key, known[i]) == 0;
        if (!found)
            return field_error_set(error, key,
                                   "unknown member; a closure has from, to, reason and names");
    }
    return 0;
}

/* The times' rules, with to filled in for an open-ended closure. */
static int check_times(const json_t *body, int64_t now_ms, int64_t max_open_ms, int64_t *from,
                       int64_t *to, bool *open_ended, struct field_error *error)
{
    const json_t *to_value = json_object_get(body, "to");

    if (take_instant(body, "from", from, error) != 0)
        return CLOSURE_ERROR_INVALID;
    if (*from > now_ms + CLOSURE_HORIZON_MS)
        return field_error_set(error, "from", "must be within %lld days from now",
                               CLOSURE_HORIZON_MS / 86400000LL);
    *open_ended = to_value == NULL || json_is_null(to_value);
    if (*open_ended) {
        /* Until withdrawn, but a forgotten one must not hide the lot for weeks. */
        *to = *from + max_open_ms;
        if (*to <= now_ms)
            return field_error_set(error, "from",
                                   "a closure without to ends closure_max_open after from, "
                                   "which has passed; give to or a later from");
        return 0;
    }
    if (take_instant(body, "to", to, error) != 0)
        return CLOSURE_ERROR_INVALID;
    if (*to <= *from)
        return field_error_set(error, "to", "must be after from");
    if (*to <= now_ms)
        return field_error_set(error, "to", "must be in the future");
    if (*to - *from > CLOSURE_HORIZON_MS)
        return field_error_set(error, "to", "must be within %lld days of from",
                               CLOSURE_HORIZON_MS / 86400000LL);
    return 0;
}

int closure_parse_request(const json_t *body, int64_t now_ms, int64_t max_open_ms, json_t **record,
                          struct field_error *error)
{
    const json_t *names = json_object_get(body, "names");
    int64_t from = 0, to = 0;
    bool open_ended = false;

    *record = NULL;
    if (check_members(body, error) != 0 ||
        check_times(body, now_ms, max_open_ms, &from, &to, &open_ended, error) != 0 ||
        check_reason(json_object_get(body, "reason"), "reason", error) != 0 ||
        (names != NULL && check_names(names, error) != 0))
        return CLOSURE_ERROR_INVALID;
    *record = json_pack("{s:I, s:I, s:O, s:b}", "from", (json_int_t)from, "to", (json_int_t)to,
                        "reason", json_object_get(body, "reason"), "open_ended", open_ended);
    if (*record != NULL && names != NULL && json_object_set(*record, "names", (json_t *)names))
        json_decref(*record), *record = NULL;
    return *record != NULL ? 0 : CLOSURE_ERROR_NO_MEMORY;
}

bool closure_id_is_valid(const char *id)
{
    size_t length = id != NULL ? strlen(id) : 0;
    if (length == 0 || length > CLOSURE_ID_DIGITS)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (!isdigit((unsigned char)id[i]))
            return false;
    }
    return true;
}

/* An instant a stored record may hold: from 1970 to the end of year 9999, so sums never overflow.
 */
static bool instant_is_sane(const json_t *value)
{
    return json_is_integer(value) && json_integer_value(value) >= 0 &&
           json_integer_value(value) <= 253402300799999LL;
}

static bool record_is_valid(const json_t *record)
{
    const json_t *names = json_object_get(record, "names");
    struct field_error ignored;
    return json_is_object(record) &&
           closure_id_is_valid(json_string_value(json_object_get(record, "id"))) &&
           instant_is_sane(json_object_get(record, "from")) &&
           instant_is_sane(json_object_get(record, "to")) &&
           json_is_string(json_object_get(record, "reason")) &&
           (names == NULL || check_names(names, &ignored) == 0);
}

static int64_t member_ms(const json_t *record, const char *name)
{
    return json_integer_value(json_object_get(record, name));
}

static int compare_starts(const void *left, const void *right)
{
    int64_t a = member_ms(*(const json_t *const *)left, "from");
    int64_t b = member_ms(*(const json_t *const *)right, "from");
    return (a > b) - (a < b);
}

json_t *closure_list_parse(const char *text)
{
    json_t *stored = text != NULL && text[0] != '\0' ? json_loads(text, 0, NULL) : NULL;
    json_t *list = json_array();
    size_t count = 0;
    json_t **sorted;

    /* Lua's cjson writes an empty table as {}: no records either way. */
    sorted = calloc(json_array_size(stored) + 1, sizeof(*sorted));
    if (list == NULL || sorted == NULL)
        goto release;
    for (size_t i = 0; i < json_array_size(stored); i++) {
        json_t *record = json_array_get(stored, i);
        if (record_is_valid(record))
            sorted[count++] = record;
    }
    qsort(sorted, count, sizeof(*sorted), compare_starts);
    for (size_t i = 0; i < count; i++) {
        if (json_array_append(list, sorted[i]) != 0)
            goto release;
    }
    free(sorted);
    json_decref(stored);
    return list;
release:
    free(sorted);
    json_decref(stored);
    json_decref(list);
    return NULL;
}

const json_t *closure_active(const json_t *closures, int64_t now_ms, int64_t *until)
{
    const json_t *active = NULL;
    int64_t end = -1;
    bool extended = true;

    for (size_t i = 0; i < json_array_size(closures); i++) {
        const json_t *record = json_array_get(closures, i);
        if (member_ms(record, "from") <= now_ms && now_ms < member_ms(record, "to") &&
            (active == NULL || member_ms(record, "to") > member_ms(active, "to")))
            active = record;
    }
    if (active != NULL)
        end = member_ms(active, "to");
    /* A closure that starts when (or before) this one ends keeps the lot closed. */
    while (active != NULL && extended) {
        extended = false;
        for (size_t i = 0; i < json_array_size(closures); i++) {
            const json_t *record = json_array_get(closures, i);
            if (member_ms(record, "from") <= end && member_ms(record, "to") > end) {
                end = member_ms(record, "to");
                extended = true;
            }
        }
    }
    if (until != NULL)
        *until = end;
    return active;
}

static void consider(int64_t instant, int64_t now_ms, int64_t *earliest)
{
    if (instant > now_ms && (*earliest < 0 || instant < *earliest))
        *earliest = instant;
}

int64_t closure_next_boundary(const json_t *closures, int64_t now_ms)
{
    int64_t earliest = -1;
    for (size_t i = 0; i < json_array_size(closures); i++) {
        const json_t *record = json_array_get(closures, i);
        consider(member_ms(record, "from") - CLOSURE_UPCOMING_MS, now_ms, &earliest);
        consider(member_ms(record, "from"), now_ms, &earliest);
        consider(member_ms(record, "to"), now_ms, &earliest);
    }
    return earliest;
}

static json_t *instant(int64_t ms, closure_format_time format)
{
    char text[32];
    if (format != NULL)
        format(ms, text);
    else
        civil_format_utc_ms(ms, text);
    return json_string(text);
}

json_t *closure_public(const json_t *record, closure_format_time format)
{
    json_t *shown = json_pack("{s:O, s:o, s:o, s:O, s:b}", "id", json_object_get(record, "id"),
                              "from", instant(member_ms(record, "from"), format), "to",
                              instant(member_ms(record, "to"), format), "reason",
                              json_object_get(record, "reason"), "open_ended",
                              json_is_true(json_object_get(record, "open_ended")));
    if (shown != NULL && json_object_get(record, "names") != NULL &&
        json_object_set(shown, "names", json_object_get(record, "names")) != 0)
        json_decref(shown), shown = NULL;
    return shown;
}

json_t *closure_public_list(const json_t *closures, int64_t now_ms, int64_t within_ms,
                            closure_format_time format)
{
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < json_array_size(closures); i++) {
        const json_t *record = json_array_get(closures, i);
        int64_t from = member_ms(record, "from");
        if (member_ms(record, "to") <= now_ms)
            continue;
        if (within_ms >= 0 && (from <= now_ms || from > now_ms + within_ms))
            continue;
        if (json_array_append_new(list, closure_public(record, format)) != 0)
            json_decref(list), list = NULL;
    }
    return list;
}

const json_t *closure_find(const json_t *closures, const char *id)
{
    for (size_t i = 0; id != NULL && i < json_array_size(closures); i++) {
        const json_t *record = json_array_get(closures, i);
        if (strcmp(json_string_value(json_object_get(record, "id")), id) == 0)
            return record;
    }
    return NULL;
}
