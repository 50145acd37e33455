/* feed_datex.c: lots as DATEX II Parking Light publications, in the profile's JSON encoding. */
#include "feed_datex.h"

#include "feed.h"
#include "feed_spaces.h"
#include "leave_by.h"

#include <string.h>

/* ISO 639-1 tags, by enum feed_datex_language. */
static const char *const language_tags[] = {"zh", "en"};

/* The English tariff, from the lot's fee (its fee note is Chinese and has no English). */
#define ENGLISH_FREE "Free of charge"
#define ENGLISH_PAID "Charges apply"

int feed_datex_language_of(const char *tag)
{
    for (size_t i = 0; tag != NULL && i < sizeof(language_tags) / sizeof(language_tags[0]); i++) {
        if (strcmp(tag, language_tags[i]) == 0)
            return (int)i;
    }
    return -1;
}

json_t *feed_datex_enum(const char *value)
{
    return json_pack("{s:s}", "value", value);
}

const char *feed_datex_english_name(const struct snapshot_lot *lot)
{
    const char *chosen = snapshot_lot_string(lot, "names.en"), *tag, *value, *at = NULL;
    const char *chosen_tag = NULL;

    if (chosen != NULL)
        return chosen;
    /* A regional English ("en-GB") is English too; the first by tag, whatever the stored order. */
    while ((value = snapshot_lot_next_string(lot, &at, &tag)) != NULL) {
        if (strncmp(tag, "names.en-", 9) == 0 &&
            (chosen_tag == NULL || strcmp(tag, chosen_tag) < 0)) {
            chosen_tag = tag;
            chosen = value;
        }
    }
    return chosen;
}

/* Texts as the profile's String 0..*: an array of texts in the publication's one language. */
static int append_text(json_t *texts, const char *text)
{
    return text != NULL ? json_array_append_new(texts, json_string(text)) : 0;
}

static int set_texts(json_t *site, const char *name, json_t *texts)
{
    if (texts == NULL)
        return -1;
    if (json_array_size(texts) == 0) {
        json_decref(texts);
        return 0;
    }
    return json_object_set_new(site, name, texts);
}

static json_t *one_text(const char *text)
{
    json_t *texts = json_array();

    if (texts != NULL && append_text(texts, text) != 0) {
        json_decref(texts);
        return NULL;
    }
    return texts;
}

/* The OSM string (the same in every language), then the leave-by rule said in language. */
static json_t *opening_times(const struct snapshot_lot *lot, enum feed_datex_language language)
{
    json_t *rule_json = snapshot_lot_member(lot, "leave_by");
    json_t *texts = one_text(lot->opening_hours);
    struct field_error error;
    struct leave_by rule;
    char note[64];
    int unusable = texts == NULL || rule_json == NULL || leave_by_parse(rule_json, &rule, &error);

    json_decref(rule_json);
    if (unusable != 0)
        return texts;
    leave_by_say(&rule, language == FEED_DATEX_ENGLISH ? LEAVE_BY_ENGLISH : LEAVE_BY_CHINESE, note,
                 sizeof(note));
    if (note[0] != '\0' && append_text(texts, note) != 0) {
        json_decref(texts);
        return NULL;
    }
    return texts;
}

/* In Chinese the lot's fee note; in English the fee said in English, as no fee note is. */
static json_t *tariff(const struct snapshot_lot *lot, enum feed_datex_language language)
{
    const char *fee = feed_static_string(lot, "fee");

    if (language == FEED_DATEX_CHINESE)
        return one_text(feed_static_string(lot, "fee_note"));
    if (fee == NULL)
        return one_text(NULL);
    return one_text(strcmp(fee, "free") == 0 ? ENGLISH_FREE : ENGLISH_PAID);
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

/*
 * The name in language. A lot with no English name keeps its own: a proper
 * name, the one on its sign, as the driver page shows it then; a site with
 * no name could not be told from its neighbours.
 */
static const char *site_name(const struct snapshot_lot *lot, enum feed_datex_language language)
{
    const char *english = language == FEED_DATEX_ENGLISH ? feed_datex_english_name(lot) : NULL;
    return english != NULL ? english : feed_static_string(lot, "name");
}

json_t *feed_datex_site(const struct snapshot_lot *lot, enum feed_datex_language language)
{
    const char *fee = feed_static_string(lot, "fee");
    json_t *site = json_pack("{s:s,s:o,s:o*}", "_id", lot->id, "type", feed_datex_enum("other"),
                             "locationAndDimension", location(lot));
    int result;

    if (site == NULL || json_object_get(site, "locationAndDimension") == NULL) {
        json_decref(site);
        return NULL;
    }
    result = feed_set_string(site, "name", site_name(lot, language));
    /* The notes are Chinese prose with no English: left out of the English publication. */
    if (language == FEED_DATEX_CHINESE)
        result |= feed_set_string(site, "description", feed_static_string(lot, "notes"));
    result |= json_object_set_new(site, "numberOfSpaces", json_integer(lot->capacity));
    result |= set_live(site, lot);
    if (fee != NULL)
        result |= json_object_set_new(site, "freeParking", json_boolean(strcmp(fee, "free") == 0));
    result |= set_texts(site, "tariffDescription", tariff(lot, language));
    result |= set_texts(site, "openingTimesDescription", opening_times(lot, language));
    /* The operator is a proper name, kept as it is like a site's name without an English one. */
    result |= set_texts(site, "operatorInformation", one_text(feed_static_string(lot, "operator")));
    result |= feed_spaces_datex(site, lot, language);
    if (result != 0) {
        json_decref(site);
        return NULL;
    }
    return site;
}

json_t *feed_datex_publication(const struct snapshot *snapshot, enum feed_datex_language language,
                               int64_t now_ms)
{
    json_t *sites = json_array();
    char published[21];

    for (size_t i = 0; sites != NULL && i < snapshot_count(snapshot); i++) {
        if (json_array_append_new(sites, feed_datex_site(snapshot_at(snapshot, i), language)) !=
            0) {
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
                     "parkingPublicationLight", "name", "parkshare", "lang",
                     language_tags[language], "publicationTime", published, "publicationCreator",
                     "country", FEED_DATEX_COUNTRY, "nationalIdentifier", FEED_DATEX_CREATOR,
                     "parkingSite", sites, "parkingSpace");
}
