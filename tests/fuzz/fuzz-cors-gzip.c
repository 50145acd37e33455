/* fuzz-cors-gzip.c: hostile cors_origins values, Origin and Accept-Encoding lines, gzip round
 * trips. */
#include "cors.h"
#include "gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* The whole input gzip-encoded must inflate back to itself. */
static void round_trip(const unsigned char *data, size_t size)
{
    char *packed = NULL, *unpacked = malloc(size + 1);
    size_t packed_length = 0;
    z_stream stream;

    if (unpacked == NULL || gzip_compress((const char *)data, size, &packed, &packed_length) != 0) {
        free(unpacked);
        return;
    }
    memset(&stream, 0, sizeof(stream));
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        abort();
    stream.next_in = (Bytef *)packed;
    stream.avail_in = (uInt)packed_length;
    stream.next_out = (Bytef *)unpacked;
    stream.avail_out = (uInt)(size + 1);
    if (inflate(&stream, Z_FINISH) != Z_STREAM_END || stream.avail_out != 1 ||
        memcmp(unpacked, data, size) != 0)
        abort();
    inflateEnd(&stream);
    free(packed);
    free(unpacked);
}

/*
 * The input's first line is a cors_origins value; every further line is
 * both an Origin and an Accept-Encoding value.
 */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1), *cursor, *line;
    struct cors_origins *origins = NULL;
    char reason[256] = "";
    bool vary = false;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cursor = text;
    line = strsep(&cursor, "\n");
    if (cors_origins_parse(line, &origins, reason, sizeof(reason)) != 0) {
        if (origins != NULL || reason[0] == '\0')
            abort();
    }
    while (cursor != NULL) {
        const char *allowed;
        line = strsep(&cursor, "\n");
        allowed = cors_allow_origin(origins, line, &vary);
        /* Nothing but "*" or the request's own Origin is ever sent back. */
        if (allowed != NULL && allowed != line && strcmp(allowed, "*") != 0)
            abort();
        (void)gzip_accepted(line);
        (void)gzip_worth(line, size);
    }
    cors_origins_free(origins);
    free(text);
    round_trip(data, size);
    return 0;
}
