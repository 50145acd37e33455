/* feed_datex.c: lots as a DATEX II Parking Light publication, in the profile's JSON encoding. */
#include "feed_datex.h"

#include "feed.h"
#include "feed_spaces.h"

#include <string.h>

/* A one-string array (the Light profile's free texts are String 0..*, in the publication's one
 * language), if any. */
static int set_texts(json_t *site, const char *name, const char *text)
{
    if (text == NULL)
        return 0;
    return json_object_set_new(site, name, json_pack("[s]", text));
}

static json_t *location(const struct snapshot_lot *lot)
{
    json_t *place = json_pack("{s:{s:f,s:f}}", "coordinatesForDisplay", "latitude", lot->latitude,
                              "longitude", lot->longitude);

    if (place != NULL &&
        feed_set_string(place, "locationDescriptor", feed_static_string(lot, "address")) != 0) {
        json_decref(place);
        return NULL;
    }
    return place;
}

/* Counts and state: availableSpaces only while the count is fresh. */
static int set_live(json_t *site, const struct snapshot_lot *lot)
{
    char updated[21];
    int result = 0;

    if (feed_free_spaces(lot) >= 0)
        result |= json_object_set_new(site, "availableSpaces", json_integer(feed_free_spaces(lot)));
    result |= json_object_set_new(site, "isOpenNow", json_boolean(lot->open_now));
    /* An announced closure in force, as against closed by its opening times. */
    result |= json_object_set_new(site, "temporaryClosed", json_boolean(lot->closure != NULL));
    if (lot->updated_at_ms >= 0) {
        feed_format_time(lot->updated_at_ms, updated);
        result |= json_object_set_new(site, "lastUpdate", json_string(updated));
    }
    /* DATEX's trend is the occupancy's, as the forecast's is: left out without a basis. */
    if (feed_trend_word(lot) != NULL)
        result |=
            json_object_set_new(site, "occupancyTrend", feed_datex_enum(feed_trend_word(lot)));
    return result;
}

json_t *feed_datex_enum(const char *value)
{
    return json_pack("{s:s}", "value", value);
}

json_t *feed_datex_site(const struct snapshot_lot *lot)
{
    const char *fee = feed_static_string(lot, "fee");
    json_t *site = json_pack("{s:s,s:o,s:o*}", "_id", lot->id, "type", feed_datex_enum("other"),
                             "locationAndDimension", location(lot));
    int result;

    if (site == NULL || json_object_get(site, "locationAndDimension") == NULL) {
        json_decref(site);
        return NULL;
    }
    result = feed_set_string(site, "name", feed_static_string(lot, "name"));
    result |= feed_set_string(site, "description", feed_static_string(lot, "notes"));
    result |= json_object_set_new(site, "numberOfSpaces", json_integer(lot->capacity));
    result |= set_live(site, lot);
    if (fee != NULL)
        result |= json_object_set_new(site, "freeParking", json_boolean(strcmp(fee, "free") == 0));
    result |= set_texts(site, "tariffDescription", feed_static_string(lot, "fee_note"));
    result |= set_texts(site, "openingTimesDescription", lot->opening_hours);
    result |= set_texts(site, "operatorInformation", feed_static_string(lot, "operator"));
    result |= feed_spaces_datex(site, lot);
    if (result != 0) {
        json_decref(site);
        return NULL;
    }
    return site;
}

json_t *feed_datex_publication(const struct snapshot *snapshot, int64_t now_ms)
{
    json_t *sites = json_array();
    char published[21];

    for (size_t i = 0; sites != NULL && i < snapshot_count(snapshot); i++) {
        if (json_array_append_new(sites, feed_datex_site(snapshot_at(snapshot, i))) != 0) {
            json_decref(sites);
            sites = NULL;
        }
    }
    if (sites == NULL)
        return NULL;
    feed_format_time(now_ms, published);
    return json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:{s:s,s:s},s:o,s:[]}}", "_version",
                     FEED_DATEX_VERSION, "_modelBaseVersion", "3", "_profileName",
                     FEED_DATEX_PROFILE_NAME, "_profileVersion", FEED_DATEX_PROFILE_VERSION,
                     "parkingPublicationLight", "name", "parkshare", "lang", FEED_DATEX_LANGUAGE,
                     "publicationTime", published, "publicationCreator", "country",
                     FEED_DATEX_COUNTRY, "nationalIdentifier", FEED_DATEX_CREATOR, "parkingSite",
                     sites, "parkingSpace");
}
