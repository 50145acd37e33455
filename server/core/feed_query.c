/* feed_query.c: the filters and pages of ParkAPI v3's parking-site list, parsed; pure. */
#include "feed_query.h"

#include "geo_index.h"
#include "snapshot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const feed_query_parameters[] = {
    "source_uid", "source_uids", "name",  "purpose",          "lat", "lon", "location",
    "radius",     "limit",       "start", "ignore_duplicates"};
const size_t feed_query_parameter_count =
    sizeof(feed_query_parameters) / sizeof(feed_query_parameters[0]);

/* ParkAPI's PurposeType; parkshare's lots are all for cars. */
static const char *const purposes[] = {"CAR", "BIKE", "MOTORCYCLE", "ITEM"};

static bool parse_number(const char *text, double minimum, double maximum, double *value)
{
    char *end = NULL;

    if (text[0] == '\0' || text[0] == ' ')
        return false;
    errno = 0;
    *value = strtod(text, &end);
    return errno == 0 && *end == '\0' && isfinite(*value) && *value >= minimum && *value <= maximum;
}

static bool parse_whole(const char *text, int64_t minimum, int64_t maximum, int64_t *value)
{
    char *end = NULL;
    long long parsed;

    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    parsed = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || parsed < minimum || parsed > maximum)
        return false;
    *value = parsed;
    return true;
}

/* source_uid and source_uids: does either leave parkshare out? */
static int parse_source(feed_query_lookup lookup, void *data, struct feed_query *query,
                        struct field_error *error)
{
    const char *one = lookup("source_uid", data);
    const char *list = lookup("source_uids", data);

    if (one != NULL) {
        if (one[0] == '\0')
            return field_error_set(error, "source_uid", "must not be empty");
        query->source_excluded |= strcmp(one, FEED_QUERY_SOURCE_UID) != 0;
    }
    if (list != NULL) {
        bool named = false;
        size_t length = strlen(FEED_QUERY_SOURCE_UID);
        for (const char *item = list;; item++) {
            const char *comma = strchr(item, ',');
            size_t size = comma ? (size_t)(comma - item) : strlen(item);
            if (size == 0)
                return field_error_set(error, "source_uids",
                                       "must be source uids separated by commas, none empty");
            named |= size == length && strncmp(item, FEED_QUERY_SOURCE_UID, length) == 0;
            if (comma == NULL)
                break;
            item = comma;
        }
        query->source_excluded |= !named;
    }
    return 0;
}

static int parse_purpose(const char *text, struct feed_query *query, struct field_error *error)
{
    for (size_t i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++) {
        if (strcmp(text, purposes[i]) == 0) {
            query->purpose_excluded = i != 0;
            return 0;
        }
    }
    return field_error_set(error, "purpose", "must be one of CAR, BIKE, MOTORCYCLE, ITEM");
}

/* lat, lon and radius, or location=lat,lon and radius: all or none, as ParkAPI has it. */
static int parse_circle(feed_query_lookup lookup, void *data, struct feed_query *query,
                        struct field_error *error)
{
    const char *lat = lookup("lat", data), *lon = lookup("lon", data);
    const char *location = lookup("location", data), *radius = lookup("radius", data);
    char latitude[64] = "";
    const char *comma;

    if (lat == NULL && lon == NULL && location == NULL && radius == NULL)
        return 0;
    if (location != NULL && (lat != NULL || lon != NULL))
        return field_error_set(error, "location", "give either location or lat and lon");
    if (location != NULL) {
        comma = strchr(location, ',');
        if (comma == NULL || (size_t)(comma - location) >= sizeof(latitude))
            return field_error_set(error, "location", "must be lat,lon");
        memcpy(latitude, location, (size_t)(comma - location));
        lat = latitude;
        lon = comma + 1;
    }
    if (lat == NULL || lon == NULL || radius == NULL)
        return field_error_set(error,
                               radius == NULL ? "radius"
                               : lat == NULL  ? "lat"
                                              : "lon",
                               "lat, lon and radius have all to be set if one is set");
    query->has_circle = true;
    if (!parse_number(lat, -90, 90, &query->lat))
        return field_error_set(error, location ? "location" : "lat",
                               "latitude must be a number from -90 to 90");
    if (!parse_number(lon, -180, 180, &query->lon))
        return field_error_set(error, location ? "location" : "lon",
                               "longitude must be a number from -180 to 180");
    if (!parse_number(radius, 0, 40075000, &query->radius_m) || query->radius_m <= 0)
        return field_error_set(error, "radius", "must be a distance in metres above 0");
    return 0;
}

static int parse_pages(feed_query_lookup lookup, void *data, struct feed_query *query,
                       struct field_error *error)
{
    const char *limit = lookup("limit", data), *start = lookup("start", data);

    if (limit != NULL && !parse_whole(limit, 1, FEED_QUERY_LIMIT_MAX, &query->limit))
        return field_error_set(error, "limit", "must be a whole number from 1 to %d",
                               FEED_QUERY_LIMIT_MAX);
    if (limit == NULL)
        query->limit = FEED_QUERY_LIMIT_DEFAULT;
    /* Site numbers are 48 bits (feed_parkapi_number). */
    if (start != NULL && !parse_whole(start, 1, 0xFFFFFFFFFFFFLL, &query->start))
        return field_error_set(error, "start", "must be a site number of at least 1");
    return 0;
}

static int parse_flags(feed_query_lookup lookup, void *data, struct feed_query *query,
                       struct field_error *error)
{
    const char *name = lookup("name", data), *purpose = lookup("purpose", data);
    const char *duplicates = lookup("ignore_duplicates", data);

    if (name != NULL) {
        if (name[0] == '\0' || strlen(name) > FEED_QUERY_NAME_MAX)
            return field_error_set(error, "name", "must be 1 to %d bytes", FEED_QUERY_NAME_MAX);
        snprintf(query->name, sizeof(query->name), "%s", name);
    }
    if (purpose != NULL && parse_purpose(purpose, query, error) != 0)
        return FEED_QUERY_ERROR_INVALID;
    query->ignore_duplicates = true;
    if (duplicates != NULL) {
        if (strcmp(duplicates, "true") != 0 && strcmp(duplicates, "false") != 0)
            return field_error_set(error, "ignore_duplicates", "must be true or false");
        query->ignore_duplicates = strcmp(duplicates, "true") == 0;
    }
    return 0;
}

int feed_query_parse(feed_query_lookup lookup, void *data, struct feed_query *query,
                     struct field_error *error)
{
    memset(query, 0, sizeof(*query));
    for (size_t i = 0; i < feed_query_parameter_count; i++)
        query->given |= lookup(feed_query_parameters[i], data) != NULL;
    if (parse_source(lookup, data, query, error) != 0 ||
        parse_flags(lookup, data, query, error) != 0 ||
        parse_circle(lookup, data, query, error) != 0 ||
        parse_pages(lookup, data, query, error) != 0)
        return FEED_QUERY_ERROR_INVALID;
    return 0;
}

/* Percent-encode every byte but RFC 3986's unreserved ones. */
static void append_encoded(char *out, size_t size, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t used = strlen(out);

    for (const unsigned char *byte = (const unsigned char *)text; *byte && used + 4 < size;
         byte++) {
        if ((*byte >= 'a' && *byte <= 'z') || (*byte >= 'A' && *byte <= 'Z') ||
            (*byte >= '0' && *byte <= '9') || strchr("-._~", *byte) != NULL) {
            out[used++] = (char)*byte;
        } else {
            out[used++] = '%';
            out[used++] = hex[*byte >> 4];
            out[used++] = hex[*byte & 15];
        }
    }
    out[used] = '\0';
}

static void append_text(char *out, size_t size, const char *text)
{
    size_t used = strlen(out);
    if (used < size)
        snprintf(out + used, size - used, "%s", text);
}

/* A coordinate or distance with every digit a double holds, so that keys never collide. */
static void append_number(char *out, size_t size, const char *name, double number)
{
    size_t used = strlen(out);
    if (used < size)
        snprintf(out + used, size - used, "%s=%.17g&", name, number);
}

static void append_whole(char *out, size_t size, const char *name, int64_t number)
{
    size_t used = strlen(out);
    if (used < size)
        snprintf(out + used, size - used, "%s=%lld&", name, (long long)number);
}

void feed_query_canonical(const struct feed_query *query, int64_t start_override, char *out,
                          size_t size)
{
    int64_t start = start_override > 0 ? start_override : query->start;

    out[0] = '\0';
    /* Exclusions say all there is to say: such a query matches nothing. */
    if (query->source_excluded)
        append_text(out, size, "source_uid=other&");
    if (query->purpose_excluded)
        append_text(out, size, "purpose=other&");
    if (query->name[0] != '\0') {
        append_text(out, size, "name=");
        append_encoded(out, size, query->name);
        append_text(out, size, "&");
    }
    if (query->has_circle) {
        append_number(out, size, "lat", query->lat);
        append_number(out, size, "lon", query->lon);
        append_number(out, size, "radius", query->radius_m);
    }
    if (!query->ignore_duplicates)
        append_text(out, size, "ignore_duplicates=false&");
    if (query->limit > 0)
        append_whole(out, size, "limit", query->limit);
    if (start > 0)
        append_whole(out, size, "start", start);
    if (out[0] != '\0')
        out[strlen(out) - 1] = '\0';
}

static bool is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Whether text holds part, ignoring ASCII case (ParkAPI matches names with ILIKE). */
static bool contains(const char *text, const char *part)
{
    size_t length = strlen(part);

    for (; *text != '\0'; text++) {
        size_t i = 0;
        while (i < length && (text[i] == part[i] || (is_letter(text[i]) && is_letter(part[i]) &&
                                                     (text[i] | 0x20) == (part[i] | 0x20))))
            i++;
        if (i == length)
            return true;
    }
    return false;
}

bool feed_query_matches(const struct feed_query *query, const struct snapshot_lot *lot)
{
    const char *name;

    if (query->source_excluded || query->purpose_excluded)
        return false;
    if (query->name[0] != '\0') {
        name = snapshot_lot_string(lot, "name");
        if (name == NULL || !contains(name, query->name))
            return false;
    }
    return !query->has_circle ||
           geo_distance_m(query->lat, query->lon, lot->latitude, lot->longitude) <= query->radius_m;
}
