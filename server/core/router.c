/* router.c: patterns of literal and {name} segments matched to a method and a path; pure. */
#include "router.h"

#include "http_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUTE_METHODS (ROUTER_GET | ROUTER_POST | ROUTER_PUT | ROUTER_DELETE)

/* A pattern segment: a literal, or a {name} parameter (text is then the name). */
struct segment {
    const char *text;
    size_t length;
    bool parameter;
};

struct route {
    unsigned methods;
    const void *target;
    size_t segment_count;
    struct segment segments[ROUTER_MAX_SEGMENTS];
};

struct router {
    struct route routes[ROUTER_MAX_ROUTES];
    size_t count;
};

struct router *router_new(void)
{
    return calloc(1, sizeof(struct router));
}

void router_free(struct router *router)
{
    free(router);
}

/* Split pattern into route's segments; a "{name}" segment keeps only the name. */
static int parse_pattern(const char *pattern, struct route *route)
{
    size_t parameters = 0;

    if (pattern[0] != '/')
        return ROUTER_ERROR_ROUTE;
    while (*pattern == '/') {
        const char *text = pattern + 1;
        size_t length = strcspn(text, "/");
        struct segment *segment = &route->segments[route->segment_count];

        if (route->segment_count == ROUTER_MAX_SEGMENTS)
            return ROUTER_ERROR_ROUTE;
        *segment = (struct segment){text, length, false};
        if (length > 0 && text[0] == '{') {
            if (length < 3 || text[length - 1] != '}' || parameters == ROUTER_MAX_PARAMETERS)
                return ROUTER_ERROR_ROUTE;
            *segment = (struct segment){text + 1, length - 2, true};
            parameters++;
        }
        route->segment_count++;
        pattern = text + length;
    }
    return 0;
}

int router_add(struct router *router, unsigned methods, const char *pattern, const void *target)
{
    struct route route = {methods, target, 0, {{0}}};

    if (router->count == ROUTER_MAX_ROUTES || methods == 0 || (methods & ~ROUTE_METHODS) != 0 ||
        parse_pattern(pattern, &route) != 0)
        return ROUTER_ERROR_ROUTE;
    router->routes[router->count++] = route;
    return 0;
}

/*
 * Decode %XX in place ('+' stays '+'); a '%' without two hex digits stays
 * as it is. Returns -1 when a byte decodes to NUL, which no C string holds.
 */
static int decode_segment(char *segment)
{
    size_t length = http_request_percent_decode(segment, strlen(segment), segment, false);
    return strlen(segment) == length ? 0 : -1;
}

/* Split a copy of raw_path at '/' (before decoding, so %2F stays inside a segment), then decode. */
static int split_path(const char *raw_path, char **decoded, char **segments, size_t *count)
{
    size_t slashes = 0;
    char *cursor;

    if (raw_path[0] != '/')
        return ROUTER_ERROR_UNROUTABLE;
    for (const char *p = raw_path; *p != '\0'; p++)
        slashes += *p == '/';
    if (slashes > ROUTER_MAX_SEGMENTS)
        return ROUTER_ERROR_UNROUTABLE;
    *decoded = strdup(raw_path);
    if (*decoded == NULL)
        return ROUTER_ERROR_NO_MEMORY;
    *count = 0;
    for (cursor = *decoded; *cursor == '/'; cursor += strcspn(cursor, "/")) {
        *cursor++ = '\0';
        segments[(*count)++] = cursor;
    }
    for (size_t i = 0; i < *count; i++) {
        if (decode_segment(segments[i]) != 0)
            return ROUTER_ERROR_NUL_BYTE;
    }
    return 0;
}

static bool route_has_path(const struct route *route, char *const *segments, size_t count)
{
    if (route->segment_count != count)
        return false;
    for (size_t i = 0; i < count; i++) {
        const struct segment *want = &route->segments[i];
        if (want->parameter ? segments[i][0] == '\0'
                            : strlen(segments[i]) != want->length ||
                                  memcmp(segments[i], want->text, want->length) != 0)
            return false;
    }
    return true;
}

static void take_parameters(const struct route *route, char *const *segments,
                            struct router_match *match)
{
    for (size_t i = 0; i < route->segment_count; i++) {
        const struct segment *segment = &route->segments[i];
        if (segment->parameter)
            match->parameters[match->parameter_count++] =
                (struct router_parameter){segment->text, segment->length, segments[i]};
    }
}

int router_match(const struct router *router, unsigned method, const char *raw_path,
                 struct router_match *match)
{
    char *segments[ROUTER_MAX_SEGMENTS];
    unsigned wanted = method == ROUTER_HEAD ? ROUTER_GET : method;
    size_t count = 0;
    int result;

    memset(match, 0, sizeof(*match));
    result = split_path(raw_path, &match->decoded, segments, &count);
    if (result != 0)
        return result;
    for (size_t i = 0; i < router->count; i++) {
        const struct route *route = &router->routes[i];
        if (!route_has_path(route, segments, count))
            continue;
        if (route->methods & wanted) {
            match->target = route->target;
            take_parameters(route, segments, match);
            return 0;
        }
        match->allowed |= route->methods;
    }
    return match->allowed != 0 ? ROUTER_ERROR_NOT_ALLOWED : ROUTER_ERROR_NOT_FOUND;
}

const char *router_match_parameter(const struct router_match *match, const char *name)
{
    size_t length = strlen(name);
    for (size_t i = 0; i < match->parameter_count; i++) {
        const struct router_parameter *parameter = &match->parameters[i];
        if (parameter->name_length == length && memcmp(parameter->name, name, length) == 0)
            return parameter->value;
    }
    return NULL;
}

void router_match_deinit(struct router_match *match)
{
    free(match->decoded);
    match->decoded = NULL;
}

void router_format_allow(unsigned methods, char *out, size_t size)
{
    static const struct {
        unsigned bit;
        const char *names;
    } table[] = {{ROUTER_GET, "GET, HEAD"},
                 {ROUTER_POST, "POST"},
                 {ROUTER_PUT, "PUT"},
                 {ROUTER_DELETE, "DELETE"},
                 {ROUTER_OPTIONS, "OPTIONS"}};
    size_t used = 0;

    if (size == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && used < size; i++) {
        if (methods & table[i].bit)
            used += (size_t)snprintf(out + used, size - used, "%s%s", used > 0 ? ", " : "",
                                     table[i].names);
    }
}
