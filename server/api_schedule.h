/* api_schedule.h: GET /v1/lots/{id}/schedule: a lot's openings, day by day. */
#ifndef PARKSHARE_API_SCHEDULE_H
#define PARKSHARE_API_SCHEDULE_H

#include "endpoint.h"
#include "http.h"

/* Route the schedule endpoint; context must outlive the server. */
int api_schedule_register(struct http_server *server, struct endpoint_context *context);

#endif
