/* api_feeds.h: the open-data feeds: ParkAPI v3, ParkAPI v1 and DATEX II Parking Light. */
#ifndef PARKSHARE_API_FEEDS_H
#define PARKSHARE_API_FEEDS_H

#include "endpoint.h"
#include "http.h"

/* GET /v3/parking-sites: every lot as a ParkAPI v3 parking site. */
endpoint_handler api_feeds_parkapi_v3_list;

/* GET /v3/parking-sites/{id}: one lot (its id or ParkAPI number), 404 when none. */
endpoint_handler api_feeds_parkapi_v3_site;

/* GET /parkapi/v1/{city}: a city's lots in the legacy ParkAPI v1 format, 404 when none. */
endpoint_handler api_feeds_parkapi_v1_city;

/* GET /datex2/v3/parking-light.json: every lot as a DATEX II Parking Light publication in
 * Chinese. */
endpoint_handler api_feeds_datex_light;

/* GET /datex2/v3/en/parking-light.json: the same publication in English (docs/feeds.md). */
endpoint_handler api_feeds_datex_light_english;

#endif
