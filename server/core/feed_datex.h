/* feed_datex.h: lots as a DATEX II Parking Light publication (profile 02-00-00, JSON); pure. */
#ifndef PARKSHARE_FEED_DATEX_H
#define PARKSHARE_FEED_DATEX_H

#include "snapshot.h"

#include <jansson.h>
#include <stdint.h>

/* The DATEX II version the Light profile is built on (its schema's "_version" default), and the
 * profile as its data dictionary names it ("Parking Publication light" 02-00-00). */
#define FEED_DATEX_VERSION         "3.0"
#define FEED_DATEX_PROFILE_NAME    "ParkingLight"
#define FEED_DATEX_PROFILE_VERSION "02-00-00"
/* The publication's creator (InternationalIdentifier) and language: the lots are in China and
 * their texts Chinese. */
#define FEED_DATEX_COUNTRY  "CN"
#define FEED_DATEX_CREATOR  "parkshare"
#define FEED_DATEX_LANGUAGE "zh"

/* An enumeration's value as the DATEX II JSON encoding writes one: {"value": value}; a new
 * reference or NULL. */
json_t *feed_datex_enum(const char *value);

/* One lot as a parkingSite (see docs/feeds.md); a new reference or NULL. */
json_t *feed_datex_site(const struct snapshot_lot *lot);

/*
 * Every lot in id order as a publication: {"_version", "_modelBaseVersion",
 * "_profileName", "_profileVersion", "parkingPublicationLight": {name,
 * lang, publicationTime (now_ms), publicationCreator, parkingSite[],
 * parkingSpace[]}}. A new reference, or NULL when out of memory.
 */
json_t *feed_datex_publication(const struct snapshot *snapshot, int64_t now_ms);

#endif
