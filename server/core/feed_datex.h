/* feed_datex.h: lots shaped as a DATEX II Parking Light publication (ParkAPI v3's JSON); pure. */
#ifndef PARKSHARE_FEED_DATEX_H
#define PARKSHARE_FEED_DATEX_H

#include "snapshot.h"

#include <jansson.h>
#include <stdint.h>

/* The DATEX II version and profile the publication names. */
#define FEED_DATEX_VERSION         "3.4"
#define FEED_DATEX_PROFILE_NAME    "ParkingLight"
#define FEED_DATEX_PROFILE_VERSION "1.0"

/* One lot as a parkingSite (see docs/feeds.md); a new reference or NULL. */
json_t *feed_datex_site(const struct snapshot_lot *lot);

/*
 * Every lot in id order as a publication: {"_version", "_modelBaseVersion",
 * "_profileName", "_profileVersion", "parkingPublicationLight": {name,
 * lang, publicationTime (now_ms), parkingSite[], parkingSpace[]}}. A new
 * reference, or NULL when out of memory.
 */
json_t *feed_datex_publication(const struct snapshot *snapshot, int64_t now_ms);

#endif
