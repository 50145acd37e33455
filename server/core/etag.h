/* etag.h: entity tags of response bodies and If-None-Match matching; pure. */
#ifndef PARKSHARE_ETAG_H
#define PARKSHARE_ETAG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Strong ETag of a body: a quoted 64-bit FNV-1a hash in hex, e.g.
 * "\"d800f426e20a8cd9\"". out holds at least 19 bytes.
 */
void etag_of(const char *body, size_t length, char *out, size_t out_size);

/*
 * The tag of another representation of the same body: etag ("\"abc\"" or
 * "W/\"abc\"") with "-" and suffix inside the quotes ("\"abc-gzip\""), into
 * out. Returns 0, or -1 when etag is not a quoted tag or out is too small.
 */
int etag_variant(const char *etag, const char *suffix, char *out, size_t out_size);

/*
 * Whether an If-None-Match header value (a list of tags, W/ tags or "*")
 * matches etag, with the weak comparison of RFC 9110 section 8.8.3.2.
 */
bool etag_matches(const char *if_none_match, const char *etag);

#endif
