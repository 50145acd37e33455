/* field_error.c: why a request was refused: the field and the rule it broke; pure. */
#include "field_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_rule(struct field_error *error, const char *field, const char *rule_format,
                     va_list args) __attribute__((format(printf, 3, 0)));

/* How many bytes a UTF-8 sequence that starts with lead has (1 for a stray byte). */
static size_t sequence_length(unsigned char lead)
{
    if (lead >= 0xf0 && lead <= 0xf7)
        return 4;
    if (lead >= 0xe0)
        return lead <= 0xef ? 3 : 1;
    if (lead >= 0xc0)
        return 2;
    return 1;
}

size_t field_error_trim_utf8(char *text)
{
    size_t length = strlen(text), start = length;

    /* Back over at most three continuation bytes to the lead byte of the last character. */
    while (start > 0 && length - start < 3 && ((unsigned char)text[start - 1] & 0xc0) == 0x80)
        start--;
    if (start > 0 && ((unsigned char)text[start - 1] & 0xc0) == 0xc0) {
        start--;
        if (length - start < sequence_length((unsigned char)text[start])) {
            text[start] = '\0';
            return start;
        }
    }
    return length;
}

static void set_rule(struct field_error *error, const char *field, const char *rule_format,
                     va_list args)
{
    snprintf(error->field, sizeof(error->field), "%s", field);
    field_error_trim_utf8(error->field);
    vsnprintf(error->rule, sizeof(error->rule), rule_format, args);
    field_error_trim_utf8(error->rule);
}

int field_error_set(struct field_error *error, const char *field, const char *rule_format, ...)
{
    va_list args;
    va_start(args, rule_format);
    set_rule(error, field, rule_format, args);
    va_end(args);
    return FIELD_ERROR_INVALID;
}

int field_error_set_member(struct field_error *error, const char *place, const char *member,
                           const char *rule_format, ...)
{
    char field[FIELD_ERROR_FIELD_SIZE];
    va_list args;

    snprintf(field, sizeof(field), "%s.%s", place, member);
    field_error_trim_utf8(field);
    va_start(args, rule_format);
    set_rule(error, field, rule_format, args);
    va_end(args);
    return FIELD_ERROR_INVALID;
}

void field_error_from_message(struct field_error *error, const char *message,
                              const char *fallback_field)
{
    const char *separator = strstr(message, ": ");
    if (separator == NULL) {
        field_error_set(error, fallback_field, "%s", message);
        return;
    }
    snprintf(error->field, sizeof(error->field), "%.*s", (int)(separator - message), message);
    field_error_trim_utf8(error->field);
    snprintf(error->rule, sizeof(error->rule), "%s", separator + 2);
    field_error_trim_utf8(error->rule);
}

void field_error_format(const struct field_error *error, char *out, size_t size)
{
    snprintf(out, size, "%s: %s", error->field, error->rule);
    if (size > 0)
        field_error_trim_utf8(out);
}

void field_errors_add(struct field_errors *errors, const char *field, const char *rule_format, ...)
{
    va_list args;

    if (errors->count == FIELD_ERRORS_MAX) {
        errors->dropped++;
        return;
    }
    va_start(args, rule_format);
    set_rule(&errors->items[errors->count++], field, rule_format, args);
    va_end(args);
}

void field_errors_append(struct field_errors *errors, const struct field_error *error)
{
    field_errors_add(errors, error->field, "%s", error->rule);
}

void field_errors_summary(const struct field_errors *errors, const char *when_empty, char *out,
                          size_t size)
{
    const struct field_error *first = &errors->items[0];
    size_t more = errors->count + errors->dropped - 1;

    if (errors->count == 0)
        snprintf(out, size, "%s", when_empty);
    else if (more == 0)
        field_error_format(first, out, size);
    else
        snprintf(out, size, "%s: %s (and %zu more)", first->field, first->rule, more);
    if (size > 0)
        field_error_trim_utf8(out);
}

static json_t *list_to_json(const struct field_error *items, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < count; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:s}", "field", items[i].field, "rule", items[i].rule));
    return list;
}

json_t *field_errors_to_json(const struct field_errors *errors)
{
    return list_to_json(errors->items, errors->count);
}

json_t *field_error_to_json(const struct field_error *error)
{
    return list_to_json(error, 1);
}

void field_errors_clear(struct field_errors *errors)
{
    errors->count = 0;
    errors->dropped = 0;
}
