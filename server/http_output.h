/* http_output.h: what a connection owes its client: copied bytes, then a body kept by reference. */
#ifndef PARKSHARE_HTTP_OUTPUT_H
#define PARKSHARE_HTTP_OUTPUT_H

#include "http_connection.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/*
 * Bytes the socket did not take yet, in the order they go out: start..end
 * of bytes (copied, owned), then kept_length bytes at kept, the rest of
 * one answer's body kept alive by token (a reference, or a buffer handed
 * over) and given back with release once written or dropped. Zeroed is
 * empty. Nothing is ever queued behind a kept body except by copying that
 * body first, so the order always holds.
 */
struct http_output {
    char *bytes;
    size_t start, end, size;
    const char *kept;
    size_t kept_length;
    void (*release)(void *token);
    void *token;
};

/* Whether nothing waits. */
bool http_output_empty(const struct http_output *output);

/* The bytes waiting, copied and kept alike (what a slow reader costs is bounded by them). */
size_t http_output_queued(const struct http_output *output);

/*
 * Queue what parts (count of them) hold after their first skip bytes, in
 * order. The last part's rest is kept through keeper (borrowed; NULL, or a
 * keep that returns NULL: copied), the others' copied. Returns 0 or
 * HTTP_CONNECTION_ERROR_NO_MEMORY (then part of it may be queued: the
 * connection must close).
 */
int http_output_queue(struct http_output *output, const struct iovec *parts, int count, size_t skip,
                      const struct http_body_keeper *keeper);

/*
 * Write what waits to fd, as much as it takes. Returns 1 when all is
 * written (a kept body is released, a large buffer given back), 0 when
 * the socket is full, HTTP_CONNECTION_ERROR_GONE on an error.
 */
int http_output_flush(struct http_output *output, int fd);

/* Drop what waits: release a kept body and free the buffer; the output is empty after. */
void http_output_clear(struct http_output *output);

#endif
