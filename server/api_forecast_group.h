/* api_forecast_group.h: GET /v1/groups/{id}/forecast: from the group's own history, or its lots'.
 */
#ifndef PARKSHARE_API_FORECAST_GROUP_H
#define PARKSHARE_API_FORECAST_GROUP_H

#include "endpoint.h"

/*
 * GET /v1/groups/{id}/forecast?from=&to=&step=: from the group's own
 * history (its buckets, one read, kept as a lot's) when it has a year of
 * it, or 14 days for a group of more than 32 lots; else the sum of the
 * group's lots' forecasts (at most 32 lots; their histories read 4 at a
 * time and kept as for one lot), "insufficient" unless every lot has a
 * basis.
 */
endpoint_handler api_forecast_group;

#endif
