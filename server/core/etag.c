/* etag.c: entity tags of response bodies and If-None-Match matching; pure. */
#include "etag.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void etag_of(const char *body, size_t length, char *out, size_t out_size)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < length; i++) {
        hash ^= (unsigned char)body[i];
        hash *= 0x100000001b3ULL;
    }
    snprintf(out, out_size, "\"%016llx\"", (unsigned long long)hash);
}

int etag_variant(const char *etag, const char *suffix, char *out, size_t out_size)
{
    size_t length = strlen(etag);
    size_t prefix = strncmp(etag, "W/", 2) == 0 ? 2 : 0;
    int written;

    if (length < prefix + 2 || etag[prefix] != '"' || etag[length - 1] != '"')
        return -1;
    written = snprintf(out, out_size, "%.*s-%s\"", (int)(length - 1), etag, suffix);
    return written < 0 || (size_t)written >= out_size ? -1 : 0;
}

/* Compare one entity tag, ignoring a W/ prefix on either side (RFC 9110 8.8.3.2). */
static bool etag_equal(const char *candidate, size_t length, const char *etag)
{
    if (length >= 2 && strncmp(candidate, "W/", 2) == 0) {
        candidate += 2;
        length -= 2;
    }
    if (strncmp(etag, "W/", 2) == 0)
        etag += 2;
    return strlen(etag) == length && strncmp(candidate, etag, length) == 0;
}

bool etag_matches(const char *if_none_match, const char *etag)
{
    const char *p = if_none_match;
    if (if_none_match == NULL || etag == NULL)
        return false;
    while (*p) {
        const char *start, *end;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        if (*p == '*')
            return true;
        start = p;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p != '"')
            return false;
        end = strchr(p + 1, '"');
        if (end == NULL)
            return false;
        if (etag_equal(start, (size_t)(end + 1 - start), etag))
            return true;
        p = end + 1;
    }
    return false;
}
