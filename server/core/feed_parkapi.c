/* feed_parkapi.c: lots as ParkAPI v3 parking sites and as the legacy ParkAPI v1 city document. */
#include "feed_parkapi.h"

#include "closure.h"
#include "feed.h"
#include "feed_query.h"
#include "feed_spaces.h"
#include "sha256.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ParkAPI v3 caps these strings (parking_sites_schema.py); longer ones are left out. */
#define PARKAPI_OPENING_HOURS_MAX 512

int64_t feed_parkapi_number(const char *id)
{
    uint8_t digest[32];
    int64_t number = 0;

    sha256(id, strlen(id), digest);
    for (int i = 0; i < 6; i++)
        number = number << 8 | digest[i];
    return number == 0 ? 1 : number;
}

/* One lot's number, with a copy of its id (lots are replaced, never pointed into). */
struct numbered {
    int64_t number;
    char *id;
};

struct feed_numbers {
    struct numbered *entries;
    size_t count;
    bool built;
    uint64_t membership; /* of the snapshot the entries were built from */
    int64_t built_at_ms;
};

#define FEED_NUMBERS_REBUILD_MS 1000

struct feed_numbers *feed_numbers_new(void)
{
    return calloc(1, sizeof(struct feed_numbers));
}

static void clear_entries(struct feed_numbers *numbers)
{
    for (size_t i = 0; i < numbers->count; i++)
        free(numbers->entries[i].id);
    free(numbers->entries);
    numbers->entries = NULL;
    numbers->count = 0;
    numbers->built = false;
}

void feed_numbers_free(struct feed_numbers *numbers)
{
    if (numbers == NULL)
        return;
    clear_entries(numbers);
    free(numbers);
}

static int compare_numbered(const void *left, const void *right)
{
    int64_t a = ((const struct numbered *)left)->number;
    int64_t b = ((const struct numbered *)right)->number;
    return (a > b) - (a < b);
}

static int rebuild(struct feed_numbers *numbers, const struct snapshot *snapshot, int64_t now_ms)
{
    size_t count = snapshot_count(snapshot);

    clear_entries(numbers);
    numbers->built_at_ms = now_ms;
    numbers->entries = calloc(count > 0 ? count : 1, sizeof(*numbers->entries));
    if (numbers->entries == NULL)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const char *id = snapshot_at(snapshot, i)->id;
        numbers->entries[i] = (struct numbered){feed_parkapi_number(id), strdup(id)};
        numbers->count = i + 1;
        if (numbers->entries[i].id == NULL) {
            clear_entries(numbers);
            return -1;
        }
    }
    qsort(numbers->entries, numbers->count, sizeof(*numbers->entries), compare_numbered);
    numbers->built = true;
    numbers->membership = snapshot_membership(snapshot);
    return 0;
}

/*
 * Whether the index holds the snapshot's lots now, after a rebuild if one is
 * due. However many clients ask, it is rebuilt at most once a second.
 */
static bool numbers_current(struct feed_numbers *numbers, const struct snapshot *snapshot,
                            int64_t now_ms)
{
    bool changed = !numbers->built || numbers->membership != snapshot_membership(snapshot);

    if (changed && (!numbers->built || now_ms - numbers->built_at_ms >= FEED_NUMBERS_REBUILD_MS))
        rebuild(numbers, snapshot, now_ms);
    return numbers->built && numbers->membership == snapshot_membership(snapshot);
}

static const struct snapshot_lot *find_number(struct feed_numbers *numbers,
                                              const struct snapshot *snapshot, int64_t number,
                                              int64_t now_ms)
{
    struct numbered key = {number, NULL};
    const struct numbered *hit;

    numbers_current(numbers, snapshot, now_ms);
    if (!numbers->built)
        return NULL;
    hit = bsearch(&key, numbers->entries, numbers->count, sizeof(key), compare_numbered);
    /* A lot deleted since the index was built is not found by its id either. */
    return hit != NULL ? snapshot_find(snapshot, hit->id) : NULL;
}

const struct snapshot_lot *feed_parkapi_v3_find(const struct snapshot *snapshot,
                                                struct feed_numbers *numbers, const char *argument,
                                                int64_t now_ms)
{
    const struct snapshot_lot *lot = snapshot_find(snapshot, argument);
    char *end = NULL;
    long long number;

    if (lot != NULL || numbers == NULL || argument[0] < '1' || argument[0] > '9')
        return lot;
    errno = 0;
    number = strtoll(argument, &end, 10);
    if (errno != 0 || *end != '\0' || number > 0xFFFFFFFFFFFFLL)
        return NULL;
    return find_number(numbers, snapshot, number, now_ms);
}

static int set_time(json_t *object, const char *name, int64_t utc_ms)
{
    char text[21];
    feed_format_time(utc_ms, text);
    return json_object_set_new(object, name, json_string(text));
}

/*
 * parkshare keeps no time of a lot's static edits: the time of its last
 * count stands in, or the build's while it has none (docs/feeds.md).
 */
static int64_t static_time(const struct snapshot_lot *lot, int64_t now_ms)
{
    return lot->updated_at_ms >= 0 ? lot->updated_at_ms : now_ms;
}

/* ParkAPI v3 has one group per site: the lot's first, as a ParkingSiteGroup. */
static int set_group(json_t *site, const struct snapshot_lot *lot, int64_t at_ms)
{
    const char *first = json_string_value(json_array_get(lot->groups, 0));
    json_t *group;

    if (first == NULL)
        return 0;
    group =
        json_pack("{s:I,s:s}", "id", (json_int_t)feed_parkapi_number(first), "original_uid", first);
    if (group == NULL || set_time(group, "created_at", at_ms) != 0 ||
        set_time(group, "modified_at", at_ms) != 0) {
        json_decref(group);
        return -1;
    }
    return json_object_set_new(site, "group", group);
}

/* The fee and opening-hours fields, each only where the lot has it. */
static int set_terms(json_t *site, const struct snapshot_lot *lot)
{
    const char *fee = feed_static_string(lot, "fee");
    int result = 0;

    if (fee != NULL)
        result |= json_object_set_new(site, "has_fee", json_boolean(strcmp(fee, "paid") == 0));
    result |= feed_set_string(site, "fee_description", feed_static_string(lot, "fee_note"));
    if (lot->opening_hours != NULL && strlen(lot->opening_hours) <= PARKAPI_OPENING_HOURS_MAX)
        result |= json_object_set_new(site, "opening_hours", json_string(lot->opening_hours));
    return result;
}

/* Realtime fields only while the count is fresh, as ParkAPI drops outdated ones. */
static int set_realtime(json_t *site, const struct snapshot_lot *lot)
{
    int result = json_object_set_new(site, "has_realtime_data", json_boolean(lot->count_fresh));

    if (!lot->count_fresh)
        return result;
    result |= set_time(site, "realtime_data_updated_at", lot->updated_at_ms);
    result |=
        json_object_set_new(site, "realtime_free_capacity", json_integer(feed_free_spaces(lot)));
    result |= json_object_set_new(site, "realtime_opening_status",
                                  json_string(lot->open_now ? "OPEN" : "CLOSED"));
    return result;
}

/* A closure's instants as the feeds write them (closure_format_time's shape). */
static void format_closure_time(int64_t utc_ms, char out[32])
{
    feed_format_time(utc_ms, out);
}

/* The lot's current and upcoming closures as the API shows them, when it has any. */
static int set_closures(json_t *site, const struct snapshot_lot *lot, int64_t now_ms)
{
    json_t *list;

    if (json_array_size(lot->closures) == 0)
        return 0;
    list = closure_public_list(lot->closures, now_ms, -1, format_closure_time);
    if (list == NULL)
        return -1;
    if (json_array_size(list) == 0) {
        json_decref(list);
        return 0;
    }
    return json_object_set_new(site, "parkshare_closures", list);
}

/* What ParkAPI v3 has no field for, under our own prefix. */
static int set_own(json_t *site, const struct snapshot_lot *lot, int64_t now_ms)
{
    int result = feed_set_string(site, "parkshare_kind", lot->kind);

    result |= feed_set_string(site, "parkshare_city", lot->city);
    result |= feed_set_string(site, "parkshare_district", feed_static_string(lot, "district"));
    if (json_array_size(lot->groups) > 0)
        result |= json_object_set(site, "parkshare_groups", (json_t *)lot->groups);
    result |=
        json_object_set_new(site, "parkshare_state", json_string(snapshot_state_name(lot->state)));
    if (lot->next_change_ms >= 0)
        result |= set_time(site, "parkshare_next_change", lot->next_change_ms);
    if (lot->leave_by_ms >= 0)
        result |= set_time(site, "parkshare_leave_by", lot->leave_by_ms);
    result |= set_closures(site, lot, now_ms);
    return result;
}

json_t *feed_parkapi_v3_site(const struct snapshot *snapshot, const struct snapshot_lot *lot,
                             int64_t now_ms)
{
    int64_t at_ms = static_time(lot, now_ms);
    json_t *site = json_pack(
        "{s:I,s:i,s:s,s:s,s:s}", "id", (json_int_t)feed_parkapi_number(lot->id), "source_id", 1,
        "original_uid", lot->id, "purpose", "CAR", "name", feed_static_string(lot, "name"));
    int result;

    (void)snapshot;
    if (site == NULL)
        return NULL;
    result = feed_set_string(site, "operator_name", feed_static_string(lot, "operator"));
    result |= feed_set_string(site, "address", feed_static_string(lot, "address"));
    result |= feed_set_string(site, "description", feed_static_string(lot, "notes"));
    /* The kind says who runs a lot, not how it is built: no ParkAPI type fits but OTHER. */
    result |= json_object_set_new(site, "type", json_string("OTHER"));
    result |= json_object_set_new(site, "lat", json_real(lot->latitude));
    result |= json_object_set_new(site, "lon", json_real(lot->longitude));
    result |= json_object_set_new(site, "capacity", json_integer(lot->capacity));
    result |= set_terms(site, lot);
    result |= set_time(site, "static_data_updated_at", at_ms);
    result |= set_time(site, "created_at", at_ms);
    result |= set_time(site, "modified_at", at_ms);
    result |= set_realtime(site, lot);
    result |= set_group(site, lot, at_ms);
    result |= feed_spaces_parkapi(site, lot);
    result |= set_own(site, lot, now_ms);
    if (result != 0) {
        json_decref(site);
        return NULL;
    }
    return site;
}

/* One site of a list: its number and its lot. */
struct listed {
    int64_t number;
    const struct snapshot_lot *lot;
};

static int compare_listed(const void *left, const void *right)
{
    int64_t a = ((const struct listed *)left)->number;
    int64_t b = ((const struct listed *)right)->number;
    return (a > b) - (a < b);
}

/* Number each site's lot and put them in ParkAPI's order. */
static void number_and_sort(struct listed *sites, size_t count)
{
    for (size_t i = 0; i < count; i++)
        sites[i].number = feed_parkapi_number(sites[i].lot->id);
    qsort(sites, count, sizeof(*sites), compare_listed);
}

/* The lots within the query's circle, through the spatial index, numbered; count or -1. */
static ptrdiff_t list_circle(const struct snapshot *snapshot, const struct feed_query *query,
                             struct listed **out)
{
    const struct snapshot_lot **lots = NULL;
    size_t count = snapshot_near(snapshot, query->lat, query->lon, query->radius_m, &lots, NULL);

    if (count == (size_t)-1)
        return -1;
    *out = calloc(count > 0 ? count : 1, sizeof(**out));
    for (size_t i = 0; *out != NULL && i < count; i++)
        (*out)[i].lot = lots[i];
    free(lots);
    if (*out == NULL)
        return -1;
    number_and_sort(*out, count);
    return (ptrdiff_t)count;
}

/* Every lot numbered now, one hash each: for callers that keep no index. */
static ptrdiff_t list_hashed(const struct snapshot *snapshot, struct listed **out)
{
    size_t count = snapshot_count(snapshot);

    *out = calloc(count > 0 ? count : 1, sizeof(**out));
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < count; i++)
        (*out)[i].lot = snapshot_at(snapshot, i);
    number_and_sort(*out, count);
    return (ptrdiff_t)count;
}

/*
 * Every lot in number order, from the index (a lot deleted since it was
 * built is skipped; one added since is missing until the next rebuild, and
 * *complete says so; with no index, hashed now); count or -1.
 */
static ptrdiff_t list_all(const struct snapshot *snapshot, struct feed_numbers *numbers,
                          int64_t now_ms, struct listed **out, bool *complete)
{
    size_t used = 0;

    if (numbers == NULL)
        return list_hashed(snapshot, out);
    *complete = numbers_current(numbers, snapshot, now_ms);
    if (!numbers->built)
        return -1;
    *out = calloc(numbers->count > 0 ? numbers->count : 1, sizeof(**out));
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < numbers->count; i++) {
        const struct snapshot_lot *lot = snapshot_find(snapshot, numbers->entries[i].id);
        if (lot != NULL)
            (*out)[used++] = (struct listed){numbers->entries[i].number, lot};
    }
    return (ptrdiff_t)used;
}

/* Items, total_count and, when more follow this page, next_id and next_path. */
static json_t *list_document(const struct snapshot *snapshot, const struct feed_query *query,
                             const char *path, const struct listed *sites, size_t count,
                             int64_t now_ms)
{
    json_t *items = json_array(), *document;
    size_t total = 0, shown = 0;
    int64_t next = 0;

    for (size_t i = 0; items != NULL && i < count; i++) {
        if (!feed_query_matches(query, sites[i].lot))
            continue;
        total++;
        if (sites[i].number < query->start)
            continue;
        if (query->limit > 0 && (int64_t)shown == query->limit) {
            next = next > 0 ? next : sites[i].number;
            continue;
        }
        shown++;
        if (json_array_append_new(items, feed_parkapi_v3_site(snapshot, sites[i].lot, now_ms)) != 0)
            items = (json_decref(items), NULL);
    }
    document =
        items ? json_pack("{s:o,s:I}", "items", items, "total_count", (json_int_t)total) : NULL;
    if (document != NULL && next > 0) {
        char canonical[FEED_QUERY_CANONICAL_SIZE], next_path[FEED_QUERY_CANONICAL_SIZE + 64];
        feed_query_canonical(query, next, canonical, sizeof(canonical));
        snprintf(next_path, sizeof(next_path), "%s?%s", path, canonical);
        if (json_object_set_new(document, "next_id", json_integer(next)) != 0 ||
            json_object_set_new(document, "next_path", json_string(next_path)) != 0)
            document = (json_decref(document), NULL);
    }
    return document;
}

json_t *feed_parkapi_v3_list(const struct snapshot *snapshot, struct feed_numbers *numbers,
                             const struct feed_query *query, const char *path, int64_t now_ms,
                             bool *complete)
{
    struct listed *sites = NULL;
    ptrdiff_t count;
    json_t *document;

    *complete = true;
    /* A source or purpose that is not ours matches no site: no lot is looked at for it. */
    if (query->source_excluded || query->purpose_excluded)
        count = 0;
    else
        count = query->has_circle ? list_circle(snapshot, query, &sites)
                                  : list_all(snapshot, numbers, now_ms, &sites, complete);
    if (count < 0)
        return NULL;
    document = list_document(snapshot, query, path, sites, (size_t)count, now_ms);
    free(sites);
    return document;
}

/* ParkAPI v1's state: a lot open by its hours without a fresh count is "nodata". */
static const char *v1_state(const struct snapshot_lot *lot)
{
    switch (lot->state) {
    case SNAPSHOT_STATE_CLOSED:
        return "closed";
    case SNAPSHOT_STATE_UNKNOWN:
        return "nodata";
    case SNAPSHOT_STATE_FULL:
    case SNAPSHOT_STATE_OPEN:
        break;
    }
    return "open";
}

static json_t *string_or_null(const char *value)
{
    return value != NULL ? json_string(value) : json_null();
}

static json_t *v1_lot(const struct snapshot_lot *lot)
{
    json_t *entry = json_pack("{s:s,s:s,s:{s:f,s:f},s:I}", "id", lot->id, "name",
                              feed_static_string(lot, "name"), "coords", "lat", lot->latitude,
                              "lng", lot->longitude, "total", (json_int_t)lot->capacity);
    int result;

    if (entry == NULL)
        return NULL;
    /* No number is better than an old one: free is left out while the count is not fresh. */
    result = feed_free_spaces(lot) >= 0
                 ? json_object_set_new(entry, "free", json_integer(feed_free_spaces(lot)))
                 : 0;
    result |= json_object_set_new(entry, "state", json_string(v1_state(lot)));
    result |= json_object_set_new(entry, "lot_type", string_or_null(lot->kind));
    result |=
        json_object_set_new(entry, "region", string_or_null(feed_static_string(lot, "district")));
    result |=
        json_object_set_new(entry, "address", string_or_null(feed_static_string(lot, "address")));
    result |= feed_set_string(entry, "opening_hours", lot->opening_hours);
    /* Whether GET /v1/lots/{id}/forecast has a basis, as the last refresh found. */
    result |= json_object_set_new(entry, "forecast", json_boolean(feed_trend_word(lot) != NULL));
    if (result != 0) {
        json_decref(entry);
        return NULL;
    }
    return entry;
}

/* The city's lots appended to lots; the newest count's time in *newest_ms. Returns how many. */
static size_t add_city_lots(const struct snapshot *snapshot, const char *city, json_t *lots,
                            int64_t *newest_ms, bool *failed)
{
    size_t added = 0;

    for (size_t i = 0; i < snapshot_count(snapshot) && !*failed; i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        if (lot->city == NULL || strcmp(lot->city, city) != 0)
            continue;
        *failed = json_array_append_new(lots, v1_lot(lot)) != 0;
        if (lot->updated_at_ms > *newest_ms)
            *newest_ms = lot->updated_at_ms;
        added++;
    }
    return added;
}

json_t *feed_parkapi_v1_city(const struct snapshot *snapshot, const char *city, int64_t now_ms,
                             bool *found)
{
    json_t *lots = json_array();
    json_t *document = NULL;
    int64_t newest_ms = -1;
    bool failed = lots == NULL;
    char updated[21], downloaded[21];

    *found = true;
    if (!failed && add_city_lots(snapshot, city, lots, &newest_ms, &failed) == 0 && !failed) {
        *found = false;
        goto free_lots;
    }
    if (failed)
        goto free_lots;
    /* With no count reported yet, the data are as new as this document. */
    feed_format_time(newest_ms >= 0 ? newest_ms : now_ms, updated);
    feed_format_time(now_ms, downloaded);
    document = json_pack("{s:s,s:s,s:s,s:O}", "last_updated", updated, "last_downloaded",
                         downloaded, "data_source", "parkshare", "lots", lots);
free_lots:
    json_decref(lots);
    return document;
}
