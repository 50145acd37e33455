/* api_lots_list.h: GET /v1/lots and GET /v1/lots.geojson: filtered, near-sorted, paged. */
#ifndef PARKSHARE_API_LOTS_LIST_H
#define PARKSHARE_API_LOTS_LIST_H

#include "endpoint.h"
#include "http.h"

/* Route both; context must outlive the server. Returns 0 or an http_error. */
int api_lots_list_register(struct http_server *server, struct endpoint_context *context);

#endif
