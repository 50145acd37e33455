/* fuzz-http-request.c: hostile request heads against the strict parser, with its invariants. */
#include "http_request.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static bool is_within(const char *pointer, size_t length, const char *start, size_t size)
{
    return pointer >= start && pointer + length <= start + size;
}

/* What a parsed head promises its users (the connection layer, http.c). */
static void check_parsed(const struct http_request *request, const char *bytes, size_t size)
{
    if (request->head_length == 0 || request->head_length > size ||
        request->head_length > HTTP_REQUEST_MAX_HEAD ||
        memcmp(bytes + request->head_length - 4, "\r\n\r\n", 4) != 0)
        abort();
    if (request->minor_version != 0 && request->minor_version != 1)
        abort();
    if (!is_within(request->target, request->target_length, bytes, request->head_length) ||
        request->target_length == 0 ||
        !is_within(request->method_text, request->method_length, bytes, request->head_length))
        abort();
    if (request->target[0] != '/' && request->target[0] != '*' &&
        !(request->method_length == 7 && memcmp(request->method_text, "CONNECT", 7) == 0))
        abort();
    if (request->header_count > HTTP_REQUEST_MAX_HEADERS)
        abort();
    for (size_t i = 0; i < request->header_count; i++) {
        const struct http_request_header *header = &request->headers[i];
        if (!is_within(header->name, header->name_length, bytes, request->head_length) ||
            !is_within(header->value, header->value_length, bytes, request->head_length) ||
            header->name_length == 0 || memchr(header->name, ':', header->name_length) != NULL)
            abort();
        for (size_t j = 0; j < header->value_length; j++) {
            unsigned char c = (unsigned char)header->value[j];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                abort();
        }
    }
    if (http_request_find(request, "Transfer-Encoding", NULL) != NULL)
        abort();
    if (request->expect_continue && request->minor_version != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *bytes = (const char *)data;
    struct http_request *request = malloc(sizeof(*request));
    struct http_request_refusal refusal = {0, NULL};
    size_t head_length;
    int result;

    if (request == NULL)
        return 0;
    result = http_request_parse(bytes, size, request, &refusal);
    if (result == HTTP_REQUEST_REFUSED) {
        if ((refusal.status != 400 && refusal.status != 411 && refusal.status != 431 &&
             refusal.status != 505) ||
            refusal.reason == NULL)
            abort();
    } else if (result == HTTP_REQUEST_INCOMPLETE) {
        if (size >= HTTP_REQUEST_MAX_HEAD)
            abort();
    } else if (result == 0) {
        check_parsed(request, bytes, size);
        /* One byte short of its end, a head is never complete nor wrong. */
        head_length = request->head_length;
        if (http_request_parse(bytes, head_length - 1, request, &refusal) !=
            HTTP_REQUEST_INCOMPLETE)
            abort();
    } else {
        abort();
    }
    free(request);
    return 0;
}
