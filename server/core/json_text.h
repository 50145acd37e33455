/* json_text.h: compact JSON text as jansson prints it: members, strings, numbers; pure. */
#ifndef PARKSHARE_JSON_TEXT_H
#define PARKSHARE_JSON_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One top-level member of an object's text: the whole member from its
 * key's opening quote to the end of its value ("key":value), the key
 * without quotes (as written: canonical keys have no escapes) and the
 * value's text. Pointers into the scanned text.
 */
struct json_text_member {
    const char *member;
    size_t member_length;
    const char *key;
    size_t key_length;
    const char *value;
    size_t value_length;
};

/*
 * The member after *cursor (0 for the first) of text, an object written
 * compact (no space between tokens, as json_dumps with JSON_COMPACT
 * prints it). Returns 1 with *member filled and *cursor moved on, 0 after
 * the last member, -1 when text is not such an object (then nothing is
 * known of its members). Values are delimited, not validated: what the
 * text holds inside strings and nested values is taken as it is.
 */
int json_text_next_member(const char *text, size_t length, size_t *cursor,
                          struct json_text_member *member);

/* Whether the member's key is key. */
bool json_text_member_is(const struct json_text_member *member, const char *key);

/*
 * Whether text is an object exactly as json_dumps prints its parse with
 * JSON_COMPACT | JSON_PRESERVE_ORDER: no space between tokens, strings in
 * UTF-8 escaped as jansson escapes them, reals as jansson prints them
 * (%.17g), nothing after the closing brace. False says nothing more than
 * "not certainly": such text is parsed and printed again. Objects with a
 * key twice are not looked for (jansson keeps the last value).
 */
bool json_text_is_canonical_object(const char *text, size_t length);

/*
 * A string value's text (with its quotes) read into a new string, escapes
 * undone. NULL when the value is not a string, holds a NUL, or memory is
 * out.
 */
char *json_text_string(const char *value, size_t length);

/* Text being written; failed once memory ran out (then data is freed by json_text_free). */
struct json_text_buffer {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
};

/* Room for at least capacity bytes ahead of writing; false (and failed) when memory is out. */
bool json_text_reserve(struct json_text_buffer *buffer, size_t capacity);

/* Append length bytes. */
void json_text_append(struct json_text_buffer *buffer, const char *bytes, size_t length);

/* Append a NUL-terminated text as it stands. */
void json_text_append_text(struct json_text_buffer *buffer, const char *text);

/* Append text as a JSON string, quoted and escaped exactly as jansson prints it. */
void json_text_append_string(struct json_text_buffer *buffer, const char *text);

/* Append an integer as jansson prints it. */
void json_text_append_integer(struct json_text_buffer *buffer, int64_t value);

/* Append a finite real as jansson prints it (%.17g, ".0" when it looks whole). */
void json_text_append_real(struct json_text_buffer *buffer, double value);

/* Append a value as json_dumps prints it compact, in order; NULL prints null. */
void json_text_append_json(struct json_text_buffer *buffer, const json_t *value);

/*
 * The text written, NUL-terminated, in an allocation of its own size
 * (handed to the caller, with *length); NULL when writing failed. The
 * buffer is left empty either way.
 */
char *json_text_finish(struct json_text_buffer *buffer, size_t *length);

/* Free what the buffer holds; the buffer is left empty. */
void json_text_free(struct json_text_buffer *buffer);

#endif
