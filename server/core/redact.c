/* redact.c: secrets taken out of text before it is shown: URL passwords, known secrets. */
#include "redact.h"

#include <stdbool.h>
#include <string.h>

/* A bounded writer: once something does not fit, nothing more is written. */
struct redact_writer {
    char *out;
    size_t size;
    size_t length;
    size_t needed;
    bool cut;
};

/* Text is cut wherever the room ends; whole marks only (whole says which). */
static void put(struct redact_writer *writer, const char *bytes, size_t count, bool whole)
{
    size_t room = writer->size > writer->length ? writer->size - writer->length - 1 : 0;

    writer->needed += count;
    if (writer->cut || writer->size == 0)
        return;
    if (count > room) {
        writer->cut = true;
        count = whole ? 0 : room;
    }
    memcpy(writer->out + writer->length, bytes, count);
    writer->length += count;
}

static size_t finish(struct redact_writer *writer)
{
    if (writer->size > 0)
        writer->out[writer->length] = '\0';
    return writer->needed;
}

size_t redact_url(const char *text, char *out, size_t out_size)
{
    struct redact_writer writer = {out, out_size, 0, 0, false};
    const char *scheme_end = strstr(text, "://");
    const char *start = scheme_end != NULL ? scheme_end + 3 : text;
    const char *at = strrchr(start, '@');
    const char *colon;

    if (at == NULL) {
        put(&writer, text, strlen(text), false);
        return finish(&writer);
    }
    colon = memchr(start, ':', (size_t)(at - start));
    /* The user name stays: it says which account, and is no secret. */
    put(&writer, text, colon != NULL ? (size_t)(colon + 1 - text) : (size_t)(start - text), false);
    put(&writer, REDACT_MARK, strlen(REDACT_MARK), true);
    put(&writer, at, strlen(at), false);
    return finish(&writer);
}

size_t redact_secret(const char *text, const char *secret, char *out, size_t out_size)
{
    struct redact_writer writer = {out, out_size, 0, 0, false};
    size_t secret_length = secret != NULL ? strlen(secret) : 0;
    const char *found;

    while (secret_length > 0 && (found = strstr(text, secret)) != NULL) {
        put(&writer, text, (size_t)(found - text), false);
        put(&writer, REDACT_MARK, strlen(REDACT_MARK), true);
        text = found + secret_length;
    }
    put(&writer, text, strlen(text), false);
    return finish(&writer);
}
