/* api_health.h: GET /healthz (the process answers) and GET /readyz (it can serve). */
#ifndef PARKSHARE_API_HEALTH_H
#define PARKSHARE_API_HEALTH_H

#include "endpoint.h"
#include "http.h"

/* GET /healthz: 200 while the process answers at all. */
endpoint_handler api_health_live;

/*
 * GET /readyz: 200 only while the store's Redis links are ready and the
 * snapshot has been loaded since, else 503 with Retry-After.
 */
endpoint_handler api_health_ready;

#endif
