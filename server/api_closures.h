/* api_closures.h: a lot's announced closures: GET, POST and DELETE /v1/lots/{id}/closures. */
#ifndef PARKSHARE_API_CLOSURES_H
#define PARKSHARE_API_CLOSURES_H

#include "endpoint.h"

/* GET /v1/lots/{id}/closures: the lot's current and upcoming closures, from the snapshot. */
endpoint_handler api_closures_list;

/*
 * POST /v1/lots/{id}/closures {"from", "to"?, "reason", "names"?}: by an
 * admin or the lot's own attendant; 201 with the closure and its id.
 * Honours Idempotency-Key as occupancy updates do.
 */
endpoint_handler api_closures_announce;

/* DELETE /v1/lots/{id}/closures/{closure_id}: withdraw one; 204. Same tokens as POST. */
endpoint_handler api_closures_withdraw;

#endif
