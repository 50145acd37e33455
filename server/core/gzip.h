/* gzip.h: gzip encoding of answer bodies, and whether a client accepts it; pure. */
#ifndef PARKSHARE_GZIP_H
#define PARKSHARE_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies of at most this many bytes are always sent as they are: gzip's frame would eat the gain.
 */
#define GZIP_MIN_LENGTH 1024

/* zlib's level: 6 is its default, most of 9's ratio at a fraction of its time. */
#define GZIP_LEVEL 6

enum gzip_error {
    GZIP_ERROR_NO_MEMORY = -1,
    GZIP_ERROR_TOO_LARGE = -2, /* over what one zlib call takes (4 GiB) */
    GZIP_ERROR_ZLIB = -3,      /* zlib refused for another reason */
};

/*
 * body (length bytes) deflated at GZIP_LEVEL inside a gzip wrapper (RFC
 * 1952): *out is a new buffer (freed by the caller) of *out_length bytes.
 * Returns 0 or a negative enum gzip_error, *out then NULL.
 */
int gzip_compress(const char *body, size_t length, char **out, size_t *out_length);

/*
 * Whether an Accept-Encoding value (RFC 9110 12.5.3; NULL when absent)
 * accepts gzip: "gzip" or "x-gzip" with a q above 0, or, when neither is
 * named, "*" with a q above 0. A q of 0 refuses; a malformed q counts as 0.
 */
bool gzip_accepted(const char *accept_encoding);

/*
 * Whether an answer of content_type (parameters ignored) and length bytes
 * is worth compressing: JSON, problem+json, GeoJSON, iCalendar, HTML, JavaScript
 * or a web app manifest,
 * over GZIP_MIN_LENGTH bytes.
 */
bool gzip_worth(const char *content_type, size_t length);

/* A body's gzip copy kept beside it: empty (body NULL) when not worth it or not built. */
struct gzip_copy {
    char *body;
    size_t length;
    char etag[32]; /* the identity ETag with "-gzip" inside the quotes */
};

/*
 * Make copy the gzip copy of body (length bytes) whose identity ETag is
 * etag, replacing what it held; a body of at most GZIP_MIN_LENGTH bytes
 * leaves it empty. Returns 0 or a negative enum gzip_error, copy then empty
 * (the identity body is still good to send).
 */
int gzip_copy_update(struct gzip_copy *copy, const char *body, size_t length, const char *etag);

/* Empty copy, freeing its body; accepts a zeroed copy. */
void gzip_copy_clear(struct gzip_copy *copy);

#endif
