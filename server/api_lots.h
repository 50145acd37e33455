/* api_lots.h: the lot registry: PUT/GET/DELETE /v1/lots/{id}. */
#ifndef PARKSHARE_API_LOTS_H
#define PARKSHARE_API_LOTS_H

#include "endpoint.h"
#include "http.h"

/* GET /v1/lots/{id}: the lot as the snapshot holds it. */
endpoint_handler api_lots_get;

/* PUT /v1/lots/{id}: create or replace; checks the id, then an admin token. */
endpoint_handler api_lots_put;

/* DELETE /v1/lots/{id} (admin only): the deletion is audited under token. */
endpoint_handler api_lots_delete;

#endif
