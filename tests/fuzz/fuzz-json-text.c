/* fuzz-json-text.c: compact JSON text: what is judged jansson's own text is exactly what jansson
 * prints of it, and its members read alone as jansson reads them. */
#include "json_text.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Each top-level member's value parses alone, and a string reads as jansson reads it. */
static void check_members(const char *text, size_t size, const json_t *parsed)
{
    struct json_text_member member;
    size_t cursor = 0, count = 0;
    int result;

    while ((result = json_text_next_member(text, size, &cursor, &member)) == 1) {
        json_t *value = json_loadb(member.value, member.value_length, JSON_DECODE_ANY, NULL);
        char *string = json_text_string(member.value, member.value_length);
        if (value == NULL)
            abort();
        if (json_is_string(value) &&
            (string == NULL || strcmp(string, json_string_value(value)) != 0))
            abort();
        free(string);
        json_decref(value);
        count++;
    }
    if (result != 0 || count != json_object_size(parsed))
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *text = (const char *)data;
    json_t *parsed;
    char *printed;

    if (!json_text_is_canonical_object(text, size))
        return 0;
    parsed = json_loadb(text, size, JSON_REJECT_DUPLICATES, NULL);
    if (parsed == NULL) {
        /* A key twice is the one thing the judgement does not look for. */
        parsed = json_loadb(text, size, 0, NULL);
        if (parsed == NULL)
            abort();
        json_decref(parsed);
        return 0;
    }
    printed = json_dumps(parsed, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (printed == NULL || strlen(printed) != size || memcmp(printed, text, size) != 0)
        abort();
    check_members(text, size, parsed);
    free(printed);
    json_decref(parsed);
    return 0;
}
