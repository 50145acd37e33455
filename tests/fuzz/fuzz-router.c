/* fuzz-router.c: matching a hostile request path against the daemon's route patterns. */
#include "router.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* The shapes of the daemon's routes (server/routes.c): literals, {id}, two depths. */
static const struct {
    unsigned methods;
    const char *pattern;
} patterns[] = {
    {ROUTER_GET, "/healthz"},
    {ROUTER_GET | ROUTER_PUT | ROUTER_DELETE, "/v1/lots/{id}"},
    {ROUTER_GET, "/v1/lots"},
    {ROUTER_GET, "/v1/lots/{id}/schedule"},
    {ROUTER_GET, "/v1/lots/{id}/schedule.ics"},
    {ROUTER_POST, "/v1/lots/{id}/occupancy"},
    {ROUTER_GET | ROUTER_PUT | ROUTER_DELETE, "/v1/calendars/{id}"},
    {ROUTER_DELETE, "/v1/tokens/{id}"},
    {ROUTER_GET, "/"},
};

static const unsigned methods[] = {ROUTER_GET, ROUTER_HEAD, ROUTER_POST, ROUTER_PUT, ROUTER_DELETE};

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct router *router = router_new();
    struct router_match match = {0};
    char *path = NULL;
    unsigned method;

    if (router == NULL || size == 0)
        goto free_router;
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        if (router_add(router, patterns[i].methods, patterns[i].pattern, &patterns[i]) != 0)
            abort(); /* the daemon's own patterns are always accepted */
    }
    /* The first byte picks the method, the rest is the raw path. */
    method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
    path = malloc(size);
    if (path == NULL)
        goto free_router;
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    if (router_match(router, method, path, &match) == 0) {
        if (match.target == NULL)
            abort();
        for (size_t i = 0; i < match.parameter_count; i++) {
            /* A parameter is one non-empty segment: no '/' unless it was escaped. */
            if (match.parameters[i].value == NULL || match.parameters[i].value[0] == '\0')
                abort();
        }
    }
    router_match_deinit(&match);
    free(path);
free_router:
    router_free(router);
    return 0;
}
