/* cors.c: which origins' pages may read the API (CORS), and the headers that say so; pure. */
#include "cors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cors_origins {
    bool any;
    size_t count;
    char **entries;
};

void cors_origins_free(struct cors_origins *origins)
{
    if (origins == NULL)
        return;
    for (size_t i = 0; i < origins->count; i++)
        free(origins->entries[i]);
    free(origins->entries);
    free(origins);
}

/* RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
static size_t scheme_length(const char *entry)
{
    size_t length = 0;
    if (!isalpha((unsigned char)entry[0]))
        return 0;
    /* strchr would find the terminating NUL itself: the end is tested first. */
    while (entry[length] != '\0' &&
           (isalnum((unsigned char)entry[length]) || strchr("+-.", entry[length]) != NULL))
        length++;
    return entry[length] == '\0' ? 0 : length;
}

/* A host name or IPv4 address (letters, digits, '-', '.'), or an IPv6 address in brackets. */
static size_t host_length(const char *host)
{
    size_t length = 0;
    if (host[0] == '[') {
        length = 1 + strspn(host + 1, "0123456789abcdefABCDEF:.");
        return host[length] == ']' && length > 2 ? length + 1 : 0;
    }
    while (isalnum((unsigned char)host[length]) || host[length] == '-' || host[length] == '.')
        length++;
    return length;
}

/* Why entry is not an origin, or NULL when it is one. */
static const char *origin_problem(const char *entry)
{
    size_t scheme = scheme_length(entry);
    const char *host, *port;
    size_t host_size;
    long number;
    char *end;

    if (scheme == 0 || strncmp(entry + scheme, "://", 3) != 0)
        return "is not scheme://host[:port]";
    host = entry + scheme + 3;
    host_size = host_length(host);
    if (host_size == 0)
        return host[0] == '\0' ? "has no host" : "has no host or a user part before it";
    port = host + host_size;
    if (*port == '/' || *port == '?' || *port == '#')
        return "has a path; an origin is scheme://host[:port] alone";
    if (*port == '\0')
        return NULL;
    if (*port != ':' || !isdigit((unsigned char)port[1]))
        return "is not scheme://host[:port]";
    number = strtol(port + 1, &end, 10);
    if (*end == '/' || *end == '?' || *end == '#')
        return "has a path; an origin is scheme://host[:port] alone";
    if (*end != '\0' || number < 1 || number > 65535)
        return "has a port that is not 1 to 65535";
    if ((number == 80 && scheme == 4 && strncasecmp(entry, "http", 4) == 0) ||
        (number == 443 && scheme == 5 && strncasecmp(entry, "https", 5) == 0))
        return "names the scheme's default port, which browsers leave out of Origin: drop it";
    return NULL;
}

static int add_entry(struct cors_origins *origins, const char *entry, size_t length)
{
    char **grown = realloc(origins->entries, (origins->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return CORS_ERROR_NO_MEMORY;
    origins->entries = grown;
    origins->entries[origins->count] = strndup(entry, length);
    if (origins->entries[origins->count] == NULL)
        return CORS_ERROR_NO_MEMORY;
    origins->count++;
    return 0;
}

/* Check one entry (NUL-terminated in entry) and keep it; *star says a "*" was seen. */
static int take_entry(struct cors_origins *origins, const char *entry, char *reason,
                      size_t reason_size)
{
    const char *problem;

    if (strcmp(entry, "*") == 0) {
        origins->any = true;
        return 0;
    }
    problem = origin_problem(entry);
    if (problem != NULL) {
        snprintf(reason, reason_size, "'%s' %s", entry, problem);
        return CORS_ERROR_INVALID;
    }
    return add_entry(origins, entry, strlen(entry));
}

int cors_origins_parse(const char *text, struct cors_origins **out, char *reason,
                       size_t reason_size)
{
    struct cors_origins *origins = calloc(1, sizeof(*origins));
    char *copy = strdup(text), *cursor = copy, *entry;
    int result = origins != NULL && copy != NULL ? 0 : CORS_ERROR_NO_MEMORY;

    while (result == 0 && (entry = strsep(&cursor, " \t,")) != NULL) {
        if (entry[0] != '\0')
            result = take_entry(origins, entry, reason, reason_size);
    }
    if (result == 0 && origins->any && origins->count > 0) {
        snprintf(reason, reason_size, "'*' allows every origin and stands alone, without '%s'",
                 origins->entries[0]);
        result = CORS_ERROR_INVALID;
    }
    free(copy);
    if (result != 0) {
        if (result == CORS_ERROR_NO_MEMORY)
            snprintf(reason, reason_size, "out of memory");
        cors_origins_free(origins);
        return result;
    }
    *out = origins;
    return 0;
}

bool cors_needs_origin(const struct cors_origins *origins)
{
    return origins != NULL && !origins->any && origins->count > 0;
}

const char *cors_allow_origin(const struct cors_origins *origins, const char *origin, bool *vary)
{
    *vary = false;
    if (origins == NULL)
        return NULL;
    if (origins->any)
        return "*";
    if (origins->count == 0)
        return NULL;
    *vary = true;
    for (size_t i = 0; origin != NULL && i < origins->count; i++) {
        if (strcasecmp(origins->entries[i], origin) == 0)
            return origin;
    }
    return NULL;
}
