/* answer_key.h: the keys under which reads' answers are published to the workers; pure. */
#ifndef PARKSHARE_ANSWER_KEY_H
#define PARKSHARE_ANSWER_KEY_H

#include <stdbool.h>
#include <stddef.h>

/* What a totals answer is: the JSON object or the sign's line. */
enum answer_key_format {
    ANSWER_KEY_JSON = 'j',
    ANSWER_KEY_TEXT = 't',
};

/* Room for a key whose query parameters fit in a request target. */
#define ANSWER_KEY_MAX 640

/*
 * The key of the totals of one selection in one format (each name NULL
 * when the query does not give it): every field is written absent or with
 * its length before its bytes, so two different selections never share a
 * key, whatever bytes their values hold ("" is not absent). Writes a
 * NUL-terminated key into out; returns its length, or 0 when it does not
 * fit in size bytes (the answer is then not published).
 */
size_t answer_key_totals(enum answer_key_format format, const char *city, const char *group,
                         const char *kind, const char *space, char *out, size_t size);

#endif
