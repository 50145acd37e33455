/* routes.h: the route table: every endpoint's methods, path, handler and flags, in one place. */
#ifndef PARKSHARE_ROUTES_H
#define PARKSHARE_ROUTES_H

#include "endpoint.h"
#include "http.h"

struct routes;

/*
 * Route every endpoint of the table on server; each handler is given
 * context, whose totals, stream and web must be set. context must outlive
 * the server. Returns 0 with *routes (free it after the server), or an
 * http_error: then the server must be freed without serving.
 */
int routes_new(struct http_server *server, struct endpoint_context *context,
               struct routes **routes);

/* Free; accepts NULL. */
void routes_free(struct routes *routes);

#endif
