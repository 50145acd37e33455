/* fuzz-feed-query.c: hostile ParkAPI v3 list queries: parsed, refused or canonical, never more. */
#include "feed_query.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_PARAMETERS 16

struct parameters {
    const char *names[MAX_PARAMETERS];
    const char *values[MAX_PARAMETERS];
    size_t count;
};

static const char *lookup(const char *name, void *data)
{
    const struct parameters *parameters = data;
    for (size_t i = 0; i < parameters->count; i++) {
        if (strcmp(parameters->names[i], name) == 0)
            return parameters->values[i];
    }
    return NULL;
}

/* The input is "name=value" lines, as the HTTP layer hands decoded parameters over. */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1), *cursor;
    struct parameters parameters = {{NULL}, {NULL}, 0};
    struct feed_query query, again;
    struct field_error error;
    char canonical[FEED_QUERY_CANONICAL_SIZE], repeated[FEED_QUERY_CANONICAL_SIZE];

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cursor = text;
    while (cursor != NULL && parameters.count < MAX_PARAMETERS) {
        char *line = strsep(&cursor, "\n"), *equals = strchr(line, '=');
        if (equals == NULL)
            continue;
        *equals = '\0';
        parameters.names[parameters.count] = line;
        parameters.values[parameters.count++] = equals + 1;
    }
    memset(&error, 0, sizeof(error));
    if (feed_query_parse(lookup, &parameters, &query, &error) == 0) {
        feed_query_canonical(&query, 0, canonical, sizeof(canonical));
        if (memchr(canonical, '\0', sizeof(canonical)) == NULL)
            abort();
        if (query.limit < 0 || query.limit > FEED_QUERY_LIMIT_MAX || query.start < 0)
            abort();
        /* The same parameters give the same key: parsing is a function of them. */
        if (feed_query_parse(lookup, &parameters, &again, &error) != 0)
            abort();
        feed_query_canonical(&again, 0, repeated, sizeof(repeated));
        if (strcmp(canonical, repeated) != 0)
            abort();
    } else if (error.field[0] == '\0' || error.rule[0] == '\0') {
        abort(); /* a refusal always names the parameter and its rule */
    }
    free(text);
    return 0;
}
