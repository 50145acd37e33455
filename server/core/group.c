/* group.c: named areas (groups of lots): validation of a name and the table of names; pure. */
#include "group.h"

#include "growable.h"
#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct group_names {
    struct group_name *items;
    size_t count;
    size_t capacity;
    uint64_t revision; /* moves with every change: see group_names_revision */
};

static bool only_spaces(const char *text)
{
    for (; *text; text++)
        if (*text != ' ')
            return false;
    return true;
}

/* One name: its text, or NULL with the broken rule added to errors. */
static const char *check_text(const json_t *value, const char *field, struct field_errors *errors)
{
    const char *text = json_string_value(value);

    if (text == NULL || text[0] == '\0' || only_spaces(text) ||
        text_characters(text) > GROUP_NAME_MAX) {
        field_errors_add(errors, field, "must be text of 1 to %d characters, not only spaces",
                         GROUP_NAME_MAX);
        return NULL;
    }
    if (text_has_control(text, false)) {
        field_errors_add(errors, field, "must be one line without control characters");
        return NULL;
    }
    return text;
}

/* The "names" member: {"en": text}; the English text or NULL. */
static const char *check_names(const json_t *names, struct field_errors *errors)
{
    const char *key;
    const json_t *value;

    if (!json_is_object(names)) {
        field_errors_add(errors, "names", "must be an object such as {\"en\": \"City Centre\"}");
        return NULL;
    }
    json_object_foreach((json_t *)names, key, value)
    {
        if (strcmp(key, "en") != 0)
            field_errors_add(errors, "names", "has no member '%.40s'; only 'en'", key);
    }
    value = json_object_get(names, "en");
    return value != NULL ? check_text(value, "names.en", errors) : NULL;
}

int group_from_json(const json_t *body, json_t **stored, struct field_errors *errors)
{
    const char *key, *name = NULL, *english = NULL;
    const json_t *value;
    size_t before = errors->count + errors->dropped;

    *stored = NULL;
    if (!json_is_object(body)) {
        field_errors_add(errors, "", "the body must be a JSON object with a name");
        return GROUP_ERROR_INVALID;
    }
    json_object_foreach((json_t *)body, key, value)
    {
        if (strcmp(key, "name") != 0 && strcmp(key, "names") != 0)
            field_errors_add(errors, key, "is not a member of a group; expected name, names");
    }
    if (json_object_get(body, "name") == NULL)
        field_errors_add(errors, "name", "is required: text of 1 to %d characters", GROUP_NAME_MAX);
    else
        name = check_text(json_object_get(body, "name"), "name", errors);
    if (json_object_get(body, "names") != NULL)
        english = check_names(json_object_get(body, "names"), errors);
    if (errors->count + errors->dropped != before)
        return GROUP_ERROR_INVALID;
    *stored = english != NULL ? json_pack("{s:s, s:{s:s}}", "name", name, "names", "en", english)
                              : json_pack("{s:s, s:{}}", "name", name, "names");
    return *stored != NULL ? 0 : GROUP_ERROR_NO_MEMORY;
}

struct group_names *group_names_new(void)
{
    return calloc(1, sizeof(struct group_names));
}

static void name_deinit(struct group_name *name)
{
    free(name->id);
    free(name->name);
    free(name->name_en);
}

void group_names_clear(struct group_names *names)
{
    for (size_t i = 0; i < names->count; i++)
        name_deinit(&names->items[i]);
    names->count = 0;
    names->revision++;
}

uint64_t group_names_revision(const struct group_names *names)
{
    return names->revision;
}

void group_names_free(struct group_names *names)
{
    if (names == NULL)
        return;
    group_names_clear(names);
    free(names->items);
    free(names);
}

/* Where id is or would go, in id order. */
static size_t position(const struct group_names *names, const char *id, bool *found)
{
    size_t low = 0, high = names->count;
    *found = false;
    while (low < high) {
        size_t middle = (low + high) / 2;
        int order = strcmp(names->items[middle].id, id);
        if (order == 0) {
            *found = true;
            return middle;
        }
        if (order < 0)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

int group_names_set(struct group_names *names, const char *id, const json_t *stored)
{
    struct field_errors errors = {0};
    json_t *checked = NULL;
    struct group_name fresh = {0};
    const char *english;
    bool found;
    size_t at;
    int result = group_from_json(stored, &checked, &errors);

    if (result != 0)
        return result;
    english = json_string_value(json_object_get(json_object_get(checked, "names"), "en"));
    fresh.id = strdup(id);
    fresh.name = strdup(json_string_value(json_object_get(checked, "name")));
    fresh.name_en = english != NULL ? strdup(english) : NULL;
    json_decref(checked);
    at = position(names, id, &found);
    if (fresh.id == NULL || fresh.name == NULL || (english != NULL && fresh.name_en == NULL) ||
        (!found && growable_reserve((void **)&names->items, &names->capacity, names->count + 1,
                                    sizeof(*names->items)) != 0)) {
        name_deinit(&fresh);
        return GROUP_ERROR_NO_MEMORY;
    }
    if (found) {
        name_deinit(&names->items[at]);
    } else {
        memmove(&names->items[at + 1], &names->items[at],
                (names->count - at) * sizeof(*names->items));
        names->count++;
    }
    names->items[at] = fresh;
    names->revision++;
    return 0;
}

void group_names_remove(struct group_names *names, const char *id)
{
    bool found;
    size_t at = position(names, id, &found);
    if (!found)
        return;
    name_deinit(&names->items[at]);
    memmove(&names->items[at], &names->items[at + 1],
            (names->count - at - 1) * sizeof(*names->items));
    names->count--;
    names->revision++;
}

const struct group_name *group_names_find(const struct group_names *names, const char *id)
{
    bool found;
    size_t at = position(names, id, &found);
    return found ? &names->items[at] : NULL;
}

size_t group_names_count(const struct group_names *names)
{
    return names->count;
}

const struct group_name *group_names_at(const struct group_names *names, size_t index)
{
    return index < names->count ? &names->items[index] : NULL;
}

json_t *group_name_to_json(const struct group_name *name)
{
    if (name == NULL)
        return json_pack("{s:n, s:{}}", "name", "names");
    if (name->name_en != NULL)
        return json_pack("{s:s, s:{s:s}}", "name", name->name, "names", "en", name->name_en);
    return json_pack("{s:s, s:{}}", "name", name->name, "names");
}
