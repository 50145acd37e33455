/* gzip.c: gzip encoding of answer bodies, and whether a client accepts it; pure. */
#include "gzip.h"

#include "etag.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* windowBits 15 with 16 added: zlib writes the gzip header and trailer. */
#define GZIP_WINDOW_BITS  (15 + 16)
#define GZIP_MEMORY_LEVEL 8

int gzip_compress(const char *body, size_t length, char **out, size_t *out_length)
{
    z_stream stream;
    size_t room;
    char *buffer;
    int status;

    *out = NULL;
    *out_length = 0;
    if (length > UINT_MAX / 2)
        return GZIP_ERROR_TOO_LARGE;
    memset(&stream, 0, sizeof(stream));
    status = deflateInit2(&stream, GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW_BITS, GZIP_MEMORY_LEVEL,
                          Z_DEFAULT_STRATEGY);
    if (status != Z_OK)
        return status == Z_MEM_ERROR ? GZIP_ERROR_NO_MEMORY : GZIP_ERROR_ZLIB;
    /* deflateBound covers the zlib wrapper; the gzip one is 12 bytes longer. */
    room = deflateBound(&stream, (uLong)length) + 12;
    buffer = malloc(room);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return GZIP_ERROR_NO_MEMORY;
    }
    stream.next_in = (Bytef *)(uintptr_t)body;
    stream.avail_in = (uInt)length;
    stream.next_out = (Bytef *)buffer;
    stream.avail_out = (uInt)room;
    status = deflate(&stream, Z_FINISH);
    *out_length = room - stream.avail_out;
    deflateEnd(&stream);
    if (status != Z_STREAM_END) {
        free(buffer);
        *out_length = 0;
        return GZIP_ERROR_ZLIB;
    }
    *out = buffer;
    return 0;
}

/* A qvalue (RFC 9110 12.4.2): "0", "1", "0." or "1." and up to three digits; -1 when malformed. */
static int parse_qvalue(const char *text, size_t length)
{
    int thousandths = 0, digits = 0;

    if (length == 0 || (text[0] != '0' && text[0] != '1'))
        return -1;
    thousandths = (text[0] - '0') * 1000;
    if (length == 1)
        return thousandths;
    if (text[1] != '.' || length > 5)
        return -1;
    for (size_t i = 2; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        thousandths += (text[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
        digits++;
    }
    return thousandths > 1000 ? -1 : thousandths;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The q of one list member ("gzip;q=0.5"): 1000 without a q, -1 when malformed. */
static int member_q(const char *parameters, const char *end)
{
    int q = 1000;

    while (parameters < end && *parameters == ';') {
        const char *name = skip_space(parameters + 1, end);
        /* end is the member's ',' or the final NUL: the search stops there at the latest. */
        const char *stop = name + strcspn(name, ";,");
        const char *value_end = stop;

        while (value_end > name && (value_end[-1] == ' ' || value_end[-1] == '\t'))
            value_end--;
        if (value_end - name >= 2 && (name[0] == 'q' || name[0] == 'Q') && name[1] == '=')
            q = parse_qvalue(name + 2, (size_t)(value_end - name - 2));
        if (q < 0)
            return -1;
        parameters = stop;
    }
    return q;
}

static bool coding_is(const char *coding, size_t length, const char *name)
{
    return strlen(name) == length && strncasecmp(coding, name, length) == 0;
}

bool gzip_accepted(const char *accept_encoding)
{
    int gzip_q = -1, star_q = -1;
    const char *p = accept_encoding;

    while (p != NULL && *p != '\0') {
        const char *end = p + strcspn(p, ",");
        const char *coding = skip_space(p, end);
        size_t length = strcspn(coding, ",; \t");
        int q = member_q(skip_space(coding + length, end), end);

        if (q < 0)
            q = 0;
        if (coding_is(coding, length, "gzip") || coding_is(coding, length, "x-gzip"))
            gzip_q = q > gzip_q ? q : gzip_q;
        else if (coding_is(coding, length, "*"))
            star_q = q;
        p = *end == ',' ? end + 1 : end;
    }
    return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}

bool gzip_worth(const char *content_type, size_t length)
{
    static const char *const types[] = {"application/json",
                                        "application/problem+json",
                                        "application/geo+json",
                                        "text/calendar",
                                        "text/html",
                                        "text/javascript",
                                        "text/css",
                                        "application/manifest+json"};
    size_t type_length;

    if (content_type == NULL || length <= GZIP_MIN_LENGTH)
        return false;
    type_length = strcspn(content_type, "; \t");
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (coding_is(content_type, type_length, types[i]))
            return true;
    }
    return false;
}

int gzip_copy_update(struct gzip_copy *copy, const char *body, size_t length, const char *etag)
{
    int result;

    gzip_copy_clear(copy);
    if (length <= GZIP_MIN_LENGTH)
        return 0;
    if (etag_variant(etag, "gzip", copy->etag, sizeof(copy->etag)) != 0)
        return GZIP_ERROR_TOO_LARGE;
    result = gzip_compress(body, length, &copy->body, &copy->length);
    if (result != 0)
        gzip_copy_clear(copy);
    return result;
}

void gzip_copy_clear(struct gzip_copy *copy)
{
    free(copy->body);
    copy->body = NULL;
    copy->length = 0;
    copy->etag[0] = '\0';
}
