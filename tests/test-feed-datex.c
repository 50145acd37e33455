/* test-feed-datex.c: the DATEX II Parking Light publication, element by element. */
#include "check.h"
#include "feed.h"
#include "feed_datex.h"
#include "feed_fixture.h"
#include "forecast.h"

#include <stdlib.h>

static void test_site_of_an_open_lot(struct snapshot *snapshot)
{
    char *text = feed_text(feed_datex_site(snapshot_find(snapshot, "a-open")));

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
    char *full = feed_text(feed_datex_site(snapshot_find(snapshot, "b-full")));
    char *shut = feed_text(feed_datex_site(snapshot_find(snapshot, "c-shut")));
    char *none = feed_text(feed_datex_site(snapshot_find(snapshot, "d-none")));

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
    json_t *document = feed_datex_publication(snapshot, feed_now);
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
    site = feed_datex_site(snapshot_find(snapshot, "a-open"));
    /* An enumeration in the DATEX II JSON encoding: {"value": …}, never a bare string. */
    char *trend = feed_text(json_incref(json_object_get(site, "occupancyTrend")));
    CHECK_STR_EQ(trend, "{\"value\":\"increasing\"}");
    free(trend);
    json_decref(site);
    CHECK(snapshot_set_trend(snapshot, "a-open", FORECAST_TREND_UNKNOWN));
    site = feed_datex_site(snapshot_find(snapshot, "a-open"));
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

int main(void)
{
    struct snapshot *snapshot = feed_city();

    RUN_TEST_WITH(test_site_of_an_open_lot, snapshot);
    RUN_TEST_WITH(test_full_closed_and_never_counted, snapshot);
    RUN_TEST_WITH(test_publication, snapshot);
    RUN_TEST_WITH(test_rendered_through_feed, snapshot);
    RUN_TEST_WITH(test_trend, snapshot);
    snapshot_free(snapshot);
    return check_exit_status();
}
