/* problem.c: RFC 9457 problem details, shaped as JSON; pure, no I/O. */
#include "problem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int status;
    const char *slug;
    const char *title;
} problem_types[PROBLEM_TYPE_COUNT] = {
    [PROBLEM_BAD_REQUEST] = {400, "bad-request", "Malformed request"},
    [PROBLEM_UNAUTHORIZED] = {401, "unauthorized", "Missing or invalid token"},
    [PROBLEM_FORBIDDEN] = {403, "forbidden", "Token not allowed here"},
    [PROBLEM_NOT_FOUND] = {404, "not-found", "Not found"},
    [PROBLEM_METHOD_NOT_ALLOWED] = {405, "method-not-allowed", "Method not allowed"},
    [PROBLEM_CONFLICT] = {409, "conflict", "Conflicting state"},
    [PROBLEM_PAYLOAD_TOO_LARGE] = {413, "payload-too-large", "Request body too large"},
    [PROBLEM_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported-media-type", "Unsupported content type"},
    [PROBLEM_VALIDATION] = {422, "validation", "Invalid request"},
    [PROBLEM_RATE_LIMITED] = {429, "rate-limited", "Too many requests"},
    [PROBLEM_INTERNAL] = {500, "internal", "Internal error"},
    [PROBLEM_STORE_UNAVAILABLE] = {503, "store-unavailable", "Storage unavailable"},
    [PROBLEM_SHUTTING_DOWN] = {503, "shutting-down", "Server shutting down"},
    [PROBLEM_LENGTH_REQUIRED] = {411, "length-required", "Content-Length required"},
    [PROBLEM_HEADERS_TOO_LARGE] = {431, "headers-too-large", "Request header fields too large"},
    [PROBLEM_VERSION_NOT_SUPPORTED] = {505, "version-not-supported", "HTTP version not supported"},
    [PROBLEM_OVER_CAPACITY] = {503, "over-capacity", "Too many connections or streams"},
    [PROBLEM_NOT_REPLICATED] = {503, "not-replicated", "Write not confirmed by replicas"},
};

static enum problem_type checked(enum problem_type type)
{
    return (unsigned)type < PROBLEM_TYPE_COUNT ? type : PROBLEM_INTERNAL;
}

int problem_status(enum problem_type type)
{
    return problem_types[checked(type)].status;
}

const char *problem_slug(enum problem_type type)
{
    return problem_types[checked(type)].slug;
}

const char *problem_title(enum problem_type type)
{
    return problem_types[checked(type)].title;
}

static bool is_standard_member(const char *name)
{
    return strcmp(name, "type") == 0 || strcmp(name, "title") == 0 || strcmp(name, "status") == 0 ||
           strcmp(name, "detail") == 0;
}

json_t *problem_new(enum problem_type type, const char *detail, const json_t *extensions)
{
    char uri[64];
    json_t *document;
    const char *name;
    json_t *value;

    type = checked(type);
    snprintf(uri, sizeof(uri), "/problems/%s", problem_types[type].slug);
    /* json_stringn-style checks: a detail that is not UTF-8 is replaced
     * rather than dropping the whole answer. */
    document = json_pack("{s:s, s:s, s:i, s:s}", "type", uri, "title", problem_types[type].title,
                         "status", problem_types[type].status, "detail",
                         detail ? detail : problem_types[type].title);
    if (document == NULL && detail != NULL)
        document = json_pack("{s:s, s:s, s:i, s:s}", "type", uri, "title",
                             problem_types[type].title, "status", problem_types[type].status,
                             "detail", "(detail was not valid UTF-8)");
    if (document == NULL)
        return NULL;
    if (extensions != NULL && json_is_object(extensions)) {
        json_object_foreach((json_t *)extensions, name, value)
        {
            if (!is_standard_member(name) && json_object_set(document, name, value) != 0) {
                json_decref(document);
                return NULL;
            }
        }
    }
    return document;
}

char *problem_render(enum problem_type type, const char *detail, const json_t *extensions,
                     size_t *length)
{
    json_t *document = problem_new(type, detail, extensions);
    char *text;

    if (document == NULL)
        return NULL;
    text = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(document);
    if (text != NULL && length != NULL)
        *length = strlen(text);
    return text;
}
