/* api_forecast_group.h: GET /v1/groups/{id}/forecast: the group's lots' forecasts summed. */
#ifndef PARKSHARE_API_FORECAST_GROUP_H
#define PARKSHARE_API_FORECAST_GROUP_H

#include "endpoint.h"

/*
 * GET /v1/groups/{id}/forecast?from=&to=&step=: the sum of the group's
 * lots' forecasts (at most 32 lots; their histories read 4 at a time and
 * kept as for one lot); "insufficient" unless every lot has a basis.
 */
endpoint_handler api_forecast_group;

#endif
