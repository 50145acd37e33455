/* api_info.h: GET /v1/info: what a page needs to know of this deployment (map, timezone, areas,
 * version). */
#ifndef PARKSHARE_API_INFO_H
#define PARKSHARE_API_INFO_H

#include "endpoint.h"

/*
 * GET /v1/info: the version, the timezone, the map's settings (whether
 * Leaflet is served, tiles, attribution, the nearly-full threshold) and the
 * areas: every group the lots name, with its lot count and bounding box.
 * Built per request from the snapshot, with an ETag (304 on a match).
 */
endpoint_handler api_info_read;

#endif
