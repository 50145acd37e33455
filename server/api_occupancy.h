/* api_occupancy.h: POST /v1/lots/{id}/occupancy and the POST /v1/occupancy batch. */
#ifndef PARKSHARE_API_OCCUPANCY_H
#define PARKSHARE_API_OCCUPANCY_H

#include "endpoint.h"
#include "http.h"

/* POST /v1/lots/{id}/occupancy: one update. */
endpoint_handler api_occupancy_single;

/* POST /v1/occupancy: a batch, answered item by item. */
endpoint_handler api_occupancy_batch;

#endif
