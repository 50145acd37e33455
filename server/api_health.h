/* api_health.h: GET /healthz (the process answers) and GET /readyz (it can serve). */
#ifndef PARKSHARE_API_HEALTH_H
#define PARKSHARE_API_HEALTH_H

#include "http.h"
#include "store.h"

/*
 * Route /healthz and /readyz on server. /readyz answers 200 only while the
 * store's Redis link is ready, else 503 with Retry-After. store must outlive
 * the server. Returns 0 or an http_error.
 */
int api_health_register(struct http_server *server, struct store *store);

#endif
