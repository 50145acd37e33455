/* field_error.h: why a request was refused: the field and the rule it broke; pure. */
#ifndef PARKSHARE_FIELD_ERROR_H
#define PARKSHARE_FIELD_ERROR_H

#include <jansson.h>
#include <stddef.h>

#define FIELD_ERROR_FIELD_SIZE 80
#define FIELD_ERROR_RULE_SIZE  160
#define FIELD_ERRORS_MAX       32

/* What field_error_set returns; validators define their own INVALID code as this. */
enum field_error_code {
    FIELD_ERROR_INVALID = -1,
};

/* One broken rule: the field's path ("location.lat", "days[2].date") and the rule. */
struct field_error {
    char field[FIELD_ERROR_FIELD_SIZE];
    char rule[FIELD_ERROR_RULE_SIZE];
};

/* Every broken rule of one request, up to FIELD_ERRORS_MAX (the rest are counted). */
struct field_errors {
    size_t count;
    size_t dropped;
    struct field_error items[FIELD_ERRORS_MAX];
};

/*
 * Fill error with field and the formatted rule (both truncated to fit, on a
 * UTF-8 character boundary: a cut never leaves half a character).
 * Returns FIELD_ERROR_INVALID, so a validator can "return field_error_set(…)".
 */
int field_error_set(struct field_error *error, const char *field, const char *rule_format, ...)
    __attribute__((format(printf, 3, 4)));

/* The same for a member of a place: the field is "place.member". */
int field_error_set_member(struct field_error *error, const char *place, const char *member,
                           const char *rule_format, ...) __attribute__((format(printf, 4, 5)));

/*
 * Fill error from a message "field: rule" of another module; a message
 * without ": " is all rule, for fallback_field.
 */
void field_error_from_message(struct field_error *error, const char *message,
                              const char *fallback_field);

/* The error as one line "field: rule", for a problem's detail or a log. */
void field_error_format(const struct field_error *error, char *out, size_t size);

/* Record one more broken rule (counted in dropped once the collection is full). */
void field_errors_add(struct field_errors *errors, const char *field, const char *rule_format, ...)
    __attribute__((format(printf, 3, 4)));

/* Record an error built elsewhere. */
void field_errors_append(struct field_errors *errors, const struct field_error *error);

/*
 * One line for a problem's detail: "field: rule" of the first error, with
 * " (and N more)" when there are others; when_empty if nothing is recorded.
 */
void field_errors_summary(const struct field_errors *errors, const char *when_empty, char *out,
                          size_t size);

/* The errors as [{"field":…,"rule":…}]: a new reference, or NULL when out of memory. */
json_t *field_errors_to_json(const struct field_errors *errors);

/* One error as the list [{"field":…,"rule":…}]: a new reference, or NULL. */
json_t *field_error_to_json(const struct field_error *error);

/*
 * Drop a character that a byte-wise cut (snprintf into a buffer) left
 * incomplete at the end of text: its lead byte and the continuation bytes
 * after it. Complete text is left as it is. Returns the new length.
 */
size_t field_error_trim_utf8(char *text);

/* Forget the recorded errors. */
void field_errors_clear(struct field_errors *errors);

#endif
