/* routes.h: the route table: every endpoint's methods, path, handler and flags, in one place. */
#ifndef PARKSHARE_ROUTES_H
#define PARKSHARE_ROUTES_H

#include "endpoint.h"
#include "http.h"

#include <stdio.h>

struct routes;

/*
 * Route every endpoint of the table on server; each handler is given
 * context, whose totals, stream and web must be set. context must outlive
 * the server. Returns 0 with *routes (free it after the server), or an
 * http_error: then the server must be freed without serving.
 */
int routes_new(struct http_server *server, struct endpoint_context *context,
               struct routes **routes);

/*
 * Write the table to out, one "METHOD /pattern" line per method of each
 * route, in table order (GET implies HEAD, which is not listed; OPTIONS is
 * answered on every path and not listed). Returns 0, or -1 when writing fails.
 */
int routes_print(FILE *out);

/* Free; accepts NULL. */
void routes_free(struct routes *routes);

#endif
