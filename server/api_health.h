/* api_health.h: GET /healthz (the process answers) and GET /readyz (it can serve). */
#ifndef PARKSHARE_API_HEALTH_H
#define PARKSHARE_API_HEALTH_H

#include "endpoint.h"
#include "http.h"

/*
 * Route /healthz and /readyz on server. /readyz answers 200 only while the
 * store's Redis links are ready and the snapshot has been loaded since,
 * else 503 with Retry-After. context must outlive the server. Returns 0 or
 * an http_error.
 */
int api_health_register(struct http_server *server, struct endpoint_context *context);

#endif
