/* test-feed-datex.c: the DATEX II Parking Light publication, element by element. */
#include "check.h"
#include "feed.h"
#include "feed_datex.h"
#include "feed_fixture.h"
#include "forecast.h"

#include <stdlib.h>
#include <string.h>

static void test_site_of_an_open_lot(struct snapshot *snapshot)
{
    char *text = feed_text(feed_datex_site(snapshot_find(snapshot, "a-open"), FEED_DATEX_CHINESE));

    CHECK_STR_EQ(text,
                 "{\"_id\":\"a-open\",\"type\":{\"value\":\"other\"},\"locationAndDimension\":{"
                 "\"coordinatesForDisplay\":{\"latitude\":26.5,\"longitude\":106.25},"
                 "\"locationDescriptor\":\"1 Road\"},\"name\":\"Hall\",\"description\":"
                 "\"Gate B\",\"numberOfSpaces\":10,\"availableSpaces\":6,\"isOpenNow\":true,"
                 "\"temporaryClosed\":false,\"lastUpdate\":\"2026-11-24T03:06:50Z\","
                 "\"freeParking\":false,\"tariffDescription\":[\"5 yuan\"],"
                 "\"openingTimesDescription\":[\"24/7\"],\"operatorInformation\":[\"City\"]}");
    free(text);
}

static void test_full_closed_and_never_counted(struct snapshot *snapshot)
{
    char *full = feed_text(feed_datex_site(snapshot_find(snapshot, "b-full"), FEED_DATEX_CHINESE));
    char *shut = feed_text(feed_datex_site(snapshot_find(snapshot, "c-shut"), FEED_DATEX_CHINESE));
    char *none = feed_text(feed_datex_site(snapshot_find(snapshot, "d-none"), FEED_DATEX_CHINESE));

    CHECK_STR_EQ(full,
                 "{\"_id\":\"b-full\",\"type\":{\"value\":\"other\"},\"locationAndDimension\":{"
                 "\"coordinatesForDisplay\":{\"latitude\":26.25,\"longitude\":106.5}},"
                 "\"name\":\"Full\",\"numberOfSpaces\":5,\"availableSpaces\":0,"
                 "\"isOpenNow\":true,\"temporaryClosed\":false,\"lastUpdate\":"
                 "\"2026-11-24T03:07:50Z\",\"openingTimesDescription\":[\"24/7\"]}");
    CHECK(strstr(shut, "\"availableSpaces\":6,\"isOpenNow\":false,\"temporaryClosed\":false,") !=
          NULL);
    CHECK(strstr(shut, "\"freeParking\":true") != NULL);
    /* No count: no availableSpaces and no lastUpdate, rather than a number that may be wrong. */
    CHECK_STR_EQ(none,
                 "{\"_id\":\"d-none\",\"type\":{\"value\":\"other\"},\"locationAndDimension\":{"
                 "\"coordinatesForDisplay\":{\"latitude\":26.75,\"longitude\":106.75}},"
                 "\"name\":\"None\",\"numberOfSpaces\":7,\"isOpenNow\":true,"
                 "\"temporaryClosed\":false,\"openingTimesDescription\":[\"24/7\"]}");
    free(full);
    free(shut);
    free(none);
}

static void test_publication(struct snapshot *snapshot)
{
    json_t *document = feed_datex_publication(snapshot, FEED_DATEX_CHINESE, feed_now);
    json_t *light = json_object_get(document, "parkingPublicationLight");

    CHECK_STR_EQ(json_string_value(json_object_get(document, "_version")), "3.0");
    CHECK_STR_EQ(json_string_value(json_object_get(document, "_modelBaseVersion")), "3");
    CHECK_STR_EQ(json_string_value(json_object_get(document, "_profileName")), "ParkingLight");
    CHECK_STR_EQ(json_string_value(json_object_get(document, "_profileVersion")), "02-00-00");
    CHECK_STR_EQ(json_string_value(json_object_get(light, "lang")), "zh");
    /* PayloadPublication's publicationCreator is 1..1 in the profile. */
    char *creator = feed_text(json_incref(json_object_get(light, "publicationCreator")));
    CHECK_STR_EQ(creator, "{\"country\":\"CN\",\"nationalIdentifier\":\"parkshare\"}");
    free(creator);
    CHECK_STR_EQ(json_string_value(json_object_get(light, "publicationTime")),
                 "2026-11-24T03:07:50Z");
    CHECK_INT_EQ(json_array_size(json_object_get(light, "parkingSite")), 4);
    CHECK(json_is_array(json_object_get(light, "parkingSpace")));
    CHECK_INT_EQ(json_array_size(json_object_get(light, "parkingSpace")), 0);
    json_decref(document);
}

/* A trend the forecast found shows as occupancyTrend, moves the revision, and goes with no basis.
 */
static void test_trend(struct snapshot *snapshot)
{
    uint64_t revision = snapshot_revision(snapshot);
    json_t *site;

    CHECK(snapshot_set_trend(snapshot, "a-open", FORECAST_TREND_INCREASING));
    CHECK(!snapshot_set_trend(snapshot, "a-open", FORECAST_TREND_INCREASING));
    CHECK(!snapshot_set_trend(snapshot, "no-such-lot", FORECAST_TREND_STABLE));
    CHECK_INT_EQ(snapshot_revision(snapshot), revision + 1);
    site = feed_datex_site(snapshot_find(snapshot, "a-open"), FEED_DATEX_CHINESE);
    /* An enumeration in the DATEX II JSON encoding: {"value": …}, never a bare string. */
    char *trend = feed_text(json_incref(json_object_get(site, "occupancyTrend")));
    CHECK_STR_EQ(trend, "{\"value\":\"increasing\"}");
    free(trend);
    json_decref(site);
    CHECK(snapshot_set_trend(snapshot, "a-open", FORECAST_TREND_UNKNOWN));
    site = feed_datex_site(snapshot_find(snapshot, "a-open"), FEED_DATEX_CHINESE);
    CHECK(json_object_get(site, "occupancyTrend") == NULL);
    json_decref(site);
}

static void test_rendered_through_feed(struct snapshot *snapshot)
{
    char *body = NULL;
    size_t length = 0;

    CHECK_INT_EQ(
        feed_render(snapshot, NULL, FEED_DATEX_LIGHT, NULL, NULL, feed_now, &body, &length), 0);
    CHECK_INT_EQ(length, strlen(body));
    CHECK(strncmp(body, "{\"_version\":\"3.0\",", 18) == 0);
    free(body);
}

/*
 * Lots with texts in other languages: e-named has an English name (and a
 * French one), a leave-by rule, a fee note, notes and reserved spaces;
 * f-regional only regional English names; g-plain none, and a fee.
 */
static struct snapshot *named_city(void)
{
    struct snapshot_options options = {30 * FEED_MINUTE, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record records[] = {
        {"e-named",
         "{\"name\":\"市政府停车场\",\"names\":{\"fr\":\"Mairie\",\"en\":\"City Hall\"},"
         "\"kind\":\"government\",\"operator\":\"清镇市人民政府\",\"city\":\"qz\",\"groups\":[],"
         "\"location\":{\"lat\":26.5,\"lon\":106.25},\"address\":\"云岭东路1号\","
         "\"notes\":\"东门进出\",\"capacity\":20,\"fee\":\"free\",\"fee_note\":\"开放时段免费\","
         "\"opening_hours\":\"Sa,Su 07:00-22:00\","
         "\"leave_by\":{\"time\":\"07:30\",\"on\":\"next_workday\"},"
         "\"spaces\":{\"reserved\":{\"capacity\":4,\"note\":\"值班车辆\"}}}",
         5, 2, feed_now - FEED_MINUTE, NULL, NULL},
        {"f-regional",
         "{\"name\":\"广场停车场\",\"names\":{\"en-US\":\"Plaza Lot\",\"en-GB\":\"Plaza Car "
         "Park\",\"zh-Hant\":\"廣場停車場\"},\"kind\":\"public\",\"city\":\"qz\",\"groups\":[],"
         "\"location\":{\"lat\":26.25,\"lon\":106.5},\"capacity\":5,"
         "\"leave_by\":{\"time\":\"23:00\",\"on\":\"same_day\"}}",
         -1, 1, -1, NULL, NULL},
        {"g-plain",
         "{\"name\":\"河边停车场\",\"names\":{\"ja\":\"川辺駐車場\"},\"kind\":\"public\","
         "\"city\":\"qz\",\"groups\":[],\"location\":{\"lat\":26.75,\"lon\":106.75},"
         "\"capacity\":7,\"fee\":\"paid\",\"fee_note\":\"每小时2元\"}",
         -1, 1, -1, NULL, NULL},
    };
    size_t skipped;
    snapshot_load(snapshot, snapshot_begin_load(snapshot), records, 3, feed_now, &skipped);
    return snapshot;
}

/* The Chinese site keeps the lot's own texts, and now says the leave-by rule after the hours. */
static void test_chinese_site_of_a_named_lot(struct snapshot *named)
{
    char *text = feed_text(feed_datex_site(snapshot_find(named, "e-named"), FEED_DATEX_CHINESE));

    CHECK_STR_EQ(text,
                 "{\"_id\":\"e-named\",\"type\":{\"value\":\"other\"},\"locationAndDimension\":{"
                 "\"coordinatesForDisplay\":{\"latitude\":26.5,\"longitude\":106.25},"
                 "\"locationDescriptor\":\"云岭东路1号\"},\"name\":\"市政府停车场\","
                 "\"description\":\"东门进出\",\"numberOfSpaces\":20,\"availableSpaces\":15,"
                 "\"isOpenNow\":true,\"temporaryClosed\":false,\"lastUpdate\":"
                 "\"2026-11-24T03:06:50Z\",\"freeParking\":true,\"tariffDescription\":["
                 "\"开放时段免费\"],\"openingTimesDescription\":[\"Sa,Su 07:00-22:00\","
                 "\"请于次一工作日 07:30 前驶离\"],\"operatorInformation\":[\"清镇市人民政府\"],"
                 "\"assignedFor\":[{\"typeOfAssignment\":{\"value\":\"onlyFor\"},\"user\":{"
                 "\"value\":\"other\"},\"additionalAssignment\":\"值班车辆\"}]}");
    free(text);
}

/*
 * The English site: names.en, no notes (Chinese prose), the fee said in
 * English instead of the Chinese fee note, the leave-by rule in English,
 * reserved spaces as "reserved"; counts, address and operator as in Chinese.
 */
static void test_english_site_of_a_named_lot(struct snapshot *named)
{
    char *text = feed_text(feed_datex_site(snapshot_find(named, "e-named"), FEED_DATEX_ENGLISH));

    CHECK_STR_EQ(text,
                 "{\"_id\":\"e-named\",\"type\":{\"value\":\"other\"},\"locationAndDimension\":{"
                 "\"coordinatesForDisplay\":{\"latitude\":26.5,\"longitude\":106.25},"
                 "\"locationDescriptor\":\"云岭东路1号\"},\"name\":\"City Hall\","
                 "\"numberOfSpaces\":20,\"availableSpaces\":15,\"isOpenNow\":true,"
                 "\"temporaryClosed\":false,\"lastUpdate\":\"2026-11-24T03:06:50Z\","
                 "\"freeParking\":true,\"tariffDescription\":[\"Free of charge\"],"
                 "\"openingTimesDescription\":[\"Sa,Su 07:00-22:00\",\"Leave by 07:30 on the "
                 "next workday\"],\"operatorInformation\":[\"清镇市人民政府\"],\"assignedFor\":[{"
                 "\"typeOfAssignment\":{\"value\":\"onlyFor\"},\"user\":{\"value\":\"other\"},"
                 "\"additionalAssignment\":\"reserved\"}]}");
    free(text);
}

/* en-GB before en-US whatever the stored order; no English at all keeps the lot's own name. */
static void test_english_names_regional_and_missing(struct snapshot *named)
{
    json_t *regional = feed_datex_site(snapshot_find(named, "f-regional"), FEED_DATEX_ENGLISH);
    json_t *plain = feed_datex_site(snapshot_find(named, "g-plain"), FEED_DATEX_ENGLISH);
    char *hours = feed_text(json_incref(json_object_get(regional, "openingTimesDescription")));
    char *tariff = feed_text(json_incref(json_object_get(plain, "tariffDescription")));

    CHECK_STR_EQ(feed_datex_english_name(snapshot_find(named, "e-named")), "City Hall");
    CHECK_STR_EQ(json_string_value(json_object_get(regional, "name")), "Plaza Car Park");
    CHECK_STR_EQ(hours, "[\"24/7\",\"Leave by 23:00 the same day\"]");
    /* No fee: neither freeParking nor a tariff, in English as in Chinese. */
    CHECK(json_object_get(regional, "tariffDescription") == NULL);
    CHECK(json_object_get(regional, "freeParking") == NULL);
    CHECK(feed_datex_english_name(snapshot_find(named, "g-plain")) == NULL);
    CHECK_STR_EQ(json_string_value(json_object_get(plain, "name")), "河边停车场");
    CHECK_STR_EQ(tariff, "[\"Charges apply\"]");
    CHECK(json_is_false(json_object_get(plain, "freeParking")));
    free(hours);
    free(tariff);
    json_decref(regional);
    json_decref(plain);
}

/* The English publication: lang "en", every lot, and its own kept copy beside the Chinese. */
static void test_english_publication(struct snapshot *named)
{
    json_t *document = feed_datex_publication(named, FEED_DATEX_ENGLISH, feed_now);
    json_t *light = json_object_get(document, "parkingPublicationLight");
    const struct list_cache_answer *chinese = NULL, *english = NULL, *again = NULL;
    struct list_cache_answer uncached;
    char *body = NULL;
    size_t length;

    CHECK_STR_EQ(json_string_value(json_object_get(light, "lang")), "en");
    CHECK_STR_EQ(json_string_value(json_object_get(light, "name")), "parkshare");
    CHECK_INT_EQ(json_array_size(json_object_get(light, "parkingSite")), 3);
    json_decref(document);
    CHECK_INT_EQ(feed_get(named, NULL, FEED_DATEX_LIGHT, NULL, NULL, feed_now, &chinese, &uncached),
                 0);
    CHECK_INT_EQ(feed_get(named, NULL, FEED_DATEX_LIGHT, "en", NULL, feed_now, &english, &uncached),
                 0);
    CHECK_INT_EQ(feed_get(named, NULL, FEED_DATEX_LIGHT, "zh", NULL, feed_now, &again, &uncached),
                 0);
    CHECK(chinese != english && chinese == again);
    CHECK(strstr(chinese->body, "\"lang\":\"zh\"") != NULL);
    CHECK(strstr(english->body, "\"lang\":\"en\"") != NULL);
    CHECK(strcmp(chinese->etag, english->etag) != 0);
    CHECK_INT_EQ(feed_render(named, NULL, FEED_DATEX_LIGHT, "fr", NULL, feed_now, &body, &length),
                 FEED_ERROR_NOT_FOUND);
    CHECK(body == NULL);
    CHECK_INT_EQ(feed_datex_language_of("en"), FEED_DATEX_ENGLISH);
    CHECK_INT_EQ(feed_datex_language_of("zh"), FEED_DATEX_CHINESE);
    CHECK_INT_EQ(feed_datex_language_of("EN"), -1);
}

int main(void)
{
    struct snapshot *snapshot = feed_city();
    struct snapshot *named = named_city();

    RUN_TEST_WITH(test_site_of_an_open_lot, snapshot);
    RUN_TEST_WITH(test_full_closed_and_never_counted, snapshot);
    RUN_TEST_WITH(test_publication, snapshot);
    RUN_TEST_WITH(test_rendered_through_feed, snapshot);
    RUN_TEST_WITH(test_trend, snapshot);
    RUN_TEST_WITH(test_chinese_site_of_a_named_lot, named);
    RUN_TEST_WITH(test_english_site_of_a_named_lot, named);
    RUN_TEST_WITH(test_english_names_regional_and_missing, named);
    RUN_TEST_WITH(test_english_publication, named);
    snapshot_free(snapshot);
    snapshot_free(named);
    return check_exit_status();
}
