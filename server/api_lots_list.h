/* api_lots_list.h: GET /v1/lots and GET /v1/lots.geojson: filtered, near-sorted, paged. */
#ifndef PARKSHARE_API_LOTS_LIST_H
#define PARKSHARE_API_LOTS_LIST_H

#include "endpoint.h"
#include "http.h"

/* GET /v1/lots: {"lots":[…], "next_cursor":…}. */
endpoint_handler api_lots_list;

/* GET /v1/lots.geojson: the same lots as a GeoJSON FeatureCollection. */
endpoint_handler api_lots_list_geojson;

#endif
