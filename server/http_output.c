/* http_output.c: what a connection owes its client: copied bytes, then a body kept by reference. */
#include "http_output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A buffer that grew past this (a slow stream) is given back once drained. */
#define OUTPUT_KEEP_BYTES 65536

bool http_output_empty(const struct http_output *output)
{
    return output->start == output->end && output->kept_length == 0;
}

size_t http_output_queued(const struct http_output *output)
{
    return output->end - output->start + output->kept_length;
}

/* The kept body is written or dropped: its token goes back to its owner. */
static void release_kept(struct http_output *output)
{
    if (output->release != NULL)
        output->release(output->token);
    output->kept = NULL;
    output->kept_length = 0;
    output->release = NULL;
    output->token = NULL;
}

/* Copy bytes behind what is copied already; the caller has made sure nothing is kept. */
static int append_copy(struct http_output *output, const char *bytes, size_t length)
{
    if (output->end + length > output->size) {
        size_t pending = output->end - output->start, size = output->size ? output->size : 4096;
        while (size < pending + length)
            size *= 2;
        if (size > output->size) {
            char *grown = realloc(output->bytes, size);
            if (grown == NULL)
                return HTTP_CONNECTION_ERROR_NO_MEMORY;
            output->bytes = grown;
            output->size = size;
        }
        memmove(output->bytes, output->bytes + output->start, pending);
        output->start = 0;
        output->end = pending;
    }
    memcpy(output->bytes + output->end, bytes, length);
    output->end += length;
    return 0;
}

/*
 * Something is to go out behind a kept body (a stream's chunk after a
 * kept answer; the connection never does this today): the body's rest is
 * copied first, so the order holds, and its token goes back.
 */
static int copy_kept(struct http_output *output)
{
    int result = 0;

    if (output->kept_length > 0)
        result = append_copy(output, output->kept, output->kept_length);
    if (result == 0 && output->token != NULL)
        release_kept(output);
    return result;
}

int http_output_queue(struct http_output *output, const struct iovec *parts, int count, size_t skip,
                      const struct http_body_keeper *keeper)
{
    if (copy_kept(output) != 0)
        return HTTP_CONNECTION_ERROR_NO_MEMORY;
    for (int i = 0; i < count; i++) {
        const char *rest = (const char *)parts[i].iov_base + skip;
        size_t length = parts[i].iov_len - skip;
        void *token = NULL;

        if (skip >= parts[i].iov_len) {
            skip -= parts[i].iov_len;
            continue;
        }
        skip = 0;
        if (i == count - 1 && keeper != NULL)
            token = keeper->keep(keeper->owner);
        if (token != NULL) {
            output->kept = rest;
            output->kept_length = length;
            output->release = keeper->release;
            output->token = token;
        } else if (append_copy(output, rest, length) != 0) {
            return HTTP_CONNECTION_ERROR_NO_MEMORY;
        }
    }
    return 0;
}

/* Advance past sent bytes: the copied ones first, then the kept body. */
static void consume(struct http_output *output, size_t sent)
{
    size_t copied = output->end - output->start;

    if (sent <= copied) {
        output->start += sent;
        return;
    }
    output->start = output->end;
    output->kept += sent - copied;
    output->kept_length -= sent - copied;
}

int http_output_flush(struct http_output *output, int fd)
{
    while (!http_output_empty(output)) {
        struct iovec parts[2] = {{output->bytes + output->start, output->end - output->start},
                                 {(void *)output->kept, output->kept_length}};
        /* Skip an empty first part: one iovec when only the kept body is left. */
        bool copied = parts[0].iov_len > 0;
        ssize_t sent =
            writev(fd, copied ? parts : parts + 1, copied && output->kept_length ? 2 : 1);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : HTTP_CONNECTION_ERROR_GONE;
        consume(output, (size_t)sent);
    }
    if (output->token != NULL)
        release_kept(output);
    output->start = output->end = 0;
    if (output->size > OUTPUT_KEEP_BYTES) {
        free(output->bytes);
        *output = (struct http_output){0};
    }
    return 1;
}

void http_output_clear(struct http_output *output)
{
    if (output->token != NULL)
        release_kept(output);
    free(output->bytes);
    *output = (struct http_output){0};
}
