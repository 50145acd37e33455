/* api_schedule.h: GET /v1/lots/{id}/schedule: a lot's openings, day by day. */
#ifndef PARKSHARE_API_SCHEDULE_H
#define PARKSHARE_API_SCHEDULE_H

#include "endpoint.h"
#include "http.h"

/* GET /v1/lots/{id}/schedule?from=&days=: the openings as JSON, day by day. */
endpoint_handler api_schedule_days;

/* GET /v1/lots/{id}/schedule.ics?from=&days=: the same openings as RFC 5545 events. */
endpoint_handler api_schedule_ical;

#endif
