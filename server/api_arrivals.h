/* api_arrivals.h: GET /v1/lots?arrive_at=&min_free=: lots open then and expected to have room. */
#ifndef PARKSHARE_API_ARRIVALS_H
#define PARKSHARE_API_ARRIVALS_H

#include "endpoint.h"

/*
 * GET /v1/lots with arrive_at (RFC 3339, now to 7 days ahead): the lots the
 * list's other filters take (city, group, kind, near, radius, bbox, limit),
 * in its order (by distance with near), that will be open at arrive_at and
 * whose forecast then expects at least min_free (default 1) free spaces;
 * each with its "forecast" at that time. Only the first 64 lots the filters
 * take are judged (their histories read four at a time and kept as for a
 * forecast); a lot without a forecast basis is left out.
 */
endpoint_handler api_arrivals_list;

#endif
