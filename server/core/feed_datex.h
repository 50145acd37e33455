/* feed_datex.h: lots as DATEX II Parking Light publications (profile 02-00-00, JSON); pure. */
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
/* The publication's creator (InternationalIdentifier), and the language of the first
 * publication: the lots are in China and their texts Chinese. */
#define FEED_DATEX_COUNTRY  "CN"
#define FEED_DATEX_CREATOR  "parkshare"
#define FEED_DATEX_LANGUAGE "zh"

/*
 * The languages a publication is made in. A Light publication has one
 * language (its "lang"), so each is a publication of its own.
 */
enum feed_datex_language {
    FEED_DATEX_CHINESE = 0, /* "zh": the lots' own texts */
    FEED_DATEX_ENGLISH,     /* "en": English names where lots have them (docs/feeds.md) */
};

/* The language of an ISO 639-1 tag ("zh", "en"), or -1 when no publication is made in it. */
int feed_datex_language_of(const char *tag);

/* An enumeration's value as the DATEX II JSON encoding writes one: {"value": value}; a new
 * reference or NULL. */
json_t *feed_datex_enum(const char *value);

/*
 * The lot's English name: names.en, else the first (by tag) of its
 * names.en-XX ("en-GB"), else NULL. Borrowed from the lot's static JSON.
 */
const char *feed_datex_english_name(const struct snapshot_lot *lot);

/* One lot as a parkingSite in language (see docs/feeds.md); a new reference or NULL. */
json_t *feed_datex_site(const struct snapshot_lot *lot, enum feed_datex_language language);

/*
 * Every lot in id order as a publication in language: {"_version",
 * "_modelBaseVersion", "_profileName", "_profileVersion",
 * "parkingPublicationLight": {name, lang, publicationTime (now_ms),
 * publicationCreator, parkingSite[], parkingSpace[]}}. A new reference, or
 * NULL when out of memory.
 */
json_t *feed_datex_publication(const struct snapshot *snapshot, enum feed_datex_language language,
                               int64_t now_ms);

#endif
