/* api_lots.h: the lot registry: PUT/GET/DELETE /v1/lots/{id}. */
#ifndef PARKSHARE_API_LOTS_H
#define PARKSHARE_API_LOTS_H

#include "endpoint.h"
#include "http.h"

/* Route the registry; context must outlive the server. Returns 0 or an http_error. */
int api_lots_register(struct http_server *server, struct endpoint_context *context);

#endif
