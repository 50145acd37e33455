/* lot_query.c: the filters of GET /v1/lots and /v1/lots.geojson, parsed; pure. */
#include "lot_query.h"

#include "geo_index.h"
#include "lot.h"
#include "sha256.h"
#include "snapshot.h"
#include "space.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lot_query_parameters[] = {"city", "group",    "kind",  "near",   "radius", "bbox",
                                            "open", "min_free", "limit", "cursor", "space"};
const size_t lot_query_parameter_count = 11;

/* count comma-separated finite numbers, exactly. */
static bool parse_numbers(const char *text, double *numbers, int count)
{
    const char *p = text;
    for (int i = 0; i < count; i++) {
        char *end = NULL;
        errno = 0;
        numbers[i] = strtod(p, &end);
        if (end == p || errno != 0 || !isfinite(numbers[i]))
            return false;
        p = end;
        if (i + 1 < count && *p++ != ',')
            return false;
    }
    return *p == '\0';
}

static bool parse_integer(const char *text, long minimum, long maximum, long *value)
{
    char *end = NULL;
    errno = 0;
    *value = strtol(text, &end, 10);
    return end != text && *end == '\0' && errno == 0 && *value >= minimum && *value <= maximum;
}

static int parse_location(lot_query_lookup lookup, void *data, struct lot_query *query,
                          struct field_error *error)
{
    const char *near = lookup("near", data), *radius = lookup("radius", data);
    const char *bbox = lookup("bbox", data);
    double numbers[4];
    long metres;

    if (near != NULL) {
        if (!parse_numbers(near, numbers, 2) || fabs(numbers[0]) > 90 || fabs(numbers[1]) > 180)
            return field_error_set(error, "near", "must be lat,lon in WGS84 degrees");
        query->near = true;
        query->near_lat = numbers[0];
        query->near_lon = numbers[1];
    }
    if (radius != NULL) {
        if (near == NULL)
            return field_error_set(error, "radius", "goes with near");
        if (!parse_integer(radius, 1, LOT_QUERY_RADIUS_MAX, &metres))
            return field_error_set(error, "radius", "must be whole metres from 1 to 50000");
        query->radius_m = (double)metres;
    }
    if (bbox != NULL) {
        if (!parse_numbers(bbox, numbers, 4) || fabs(numbers[0]) > 180 || fabs(numbers[2]) > 180 ||
            fabs(numbers[1]) > 90 || fabs(numbers[3]) > 90 || numbers[1] > numbers[3])
            return field_error_set(error, "bbox",
                                   "must be minlon,minlat,maxlon,maxlat in WGS84 degrees");
        query->bbox = true;
        query->min_lon = numbers[0];
        query->min_lat = numbers[1];
        query->max_lon = numbers[2];
        query->max_lat = numbers[3];
    }
    return 0;
}

/*
 * The check a cursor ends with: 8 hex digits of a hash of what comes before
 * it and of the list's kind, so a near list's cursor is no cursor of a
 * plain list (its "1500_gov-a" would read as a lot id) and the other way.
 */
static void cursor_check(const char *body, size_t length, bool near, char out[9])
{
    static const char list_salt[] = "parkshare lot list cursor\n";
    static const char near_salt[] = "parkshare near list cursor\n";
    struct sha256_state state;
    uint8_t digest[32];
    char hex[65];

    sha256_init(&state);
    if (near)
        sha256_update(&state, near_salt, sizeof(near_salt) - 1);
    else
        sha256_update(&state, list_salt, sizeof(list_salt) - 1);
    sha256_update(&state, body, length);
    sha256_final(&state, digest);
    sha256_hex(digest, hex);
    memcpy(out, hex, 8);
    out[8] = '\0';
}

static int refuse_cursor(struct field_error *error)
{
    field_error_set(error, "cursor",
                    "is not a next_cursor of this list; start again from the first page");
    return LOT_QUERY_ERROR_CURSOR;
}

/* "after-id.check", or with near "millimetres_id.check"; ids hold no '.'. */
static int parse_cursor(const char *cursor, struct lot_query *query, struct field_error *error)
{
    const char *dot, *id = cursor;
    char check[9], body[WIRE_ID_MAX + 32];
    size_t length;

    if (cursor == NULL)
        return 0;
    dot = strrchr(cursor, '.');
    length = dot ? (size_t)(dot - cursor) : 0;
    if (dot == NULL || length >= sizeof(body) || strlen(dot + 1) != 8)
        return refuse_cursor(error);
    cursor_check(cursor, length, query->near, check);
    if (strcmp(check, dot + 1) != 0)
        return refuse_cursor(error);
    memcpy(body, cursor, length);
    body[length] = '\0';
    id = body;
    if (query->near) {
        char *end = NULL;
        errno = 0;
        query->cursor_millimetres = strtoll(body, &end, 10);
        if (end == body || errno != 0 || *end != '_' || query->cursor_millimetres < 0)
            return refuse_cursor(error);
        id = end + 1;
    }
    if (!lot_id_is_valid(id))
        return refuse_cursor(error);
    /* A valid id fits: at most WIRE_ID_MAX bytes. */
    memcpy(query->cursor_id, id, strlen(id) + 1);
    query->has_cursor = true;
    return 0;
}

int lot_query_parse(lot_query_lookup lookup, void *data, struct lot_query *query,
                    struct field_error *error)
{
    const char *kind, *open, *min_free, *limit;
    long number;
    int result;

    memset(query, 0, sizeof(*query));
    query->radius_m = LOT_QUERY_RADIUS_DEFAULT;
    query->min_free = -1;
    query->limit = LOT_QUERY_LIMIT_DEFAULT;
    query->selection.city = lookup("city", data);
    query->selection.group = lookup("group", data);
    kind = query->selection.kind = lookup("kind", data);
    if (kind != NULL && strcmp(kind, "government") != 0 && strcmp(kind, "reclaimed") != 0 &&
        strcmp(kind, "public") != 0)
        return field_error_set(error, "kind", "must be government, reclaimed or public");
    result = parse_location(lookup, data, query, error);
    if (result != 0)
        return result;
    open = lookup("open", data);
    if (open != NULL) {
        if (strcmp(open, "true") == 0)
            query->open = LOT_QUERY_OPEN_ONLY;
        else if (strcmp(open, "false") == 0)
            query->open = LOT_QUERY_CLOSED_ONLY;
        else
            return field_error_set(error, "open", "must be true or false");
    }
    min_free = lookup("min_free", data);
    if (min_free != NULL) {
        if (!parse_integer(min_free, 0, 100000, &number))
            return field_error_set(error, "min_free", "must be an integer from 0 to 100000");
        query->min_free = number;
    }
    if (lookup("space", data) != NULL) {
        query->has_space = true;
        query->space = space_type_from_name(lookup("space", data));
        if (query->space < 0)
            return field_error_set(error, "space", "must be a space type: %s", space_type_list);
    }
    limit = lookup("limit", data);
    if (limit != NULL && !parse_integer(limit, 1, LOT_QUERY_LIMIT_MAX, &query->limit))
        return field_error_set(error, "limit", "must be an integer from 1 to 500");
    return parse_cursor(lookup("cursor", data), query, error);
}

void lot_query_cursor(const struct lot_query *query, int64_t millimetres, const char *id, char *out,
                      size_t size)
{
    char body[WIRE_ID_MAX + 32], check[9];
    int length;

    if (query->near)
        length = snprintf(body, sizeof(body), "%lld_%s", (long long)millimetres, id);
    else
        length = snprintf(body, sizeof(body), "%s", id);
    if (length < 0 || (size_t)length >= sizeof(body))
        length = 0; /* ids are at most WIRE_ID_MAX bytes: never happens */
    cursor_check(body, (size_t)length, query->near, check);
    snprintf(out, size, "%.*s.%s", length, body, check);
}

/* ",group," in ",a,b,": ids hold no comma, so this is membership. */
static bool in_groups(const char *group_list, const char *group)
{
    size_t length = strlen(group);
    const char *at = group_list;

    /* No id is empty or holds a comma: a request's text that does is in no group. */
    if (length == 0 || strchr(group, ',') != NULL)
        return false;
    while (at != NULL && (at = strstr(at, group)) != NULL) {
        if (at > group_list && at[-1] == ',' && at[length] == ',')
            return true;
        at += length;
    }
    return false;
}

static bool selects_text(const char *wanted, const char *value)
{
    return wanted == NULL || (value != NULL && strcmp(value, wanted) == 0);
}

void lot_query_subject_of(const struct snapshot_lot *lot, struct lot_query_subject *subject)
{
    *subject = (struct lot_query_subject){
        .id = lot->id,
        .city = lot->city,
        .kind = lot->kind,
        .group_list = lot->group_list,
        .declared_spaces = lot->declared_spaces,
        .latitude = lot->latitude,
        .longitude = lot->longitude,
        .live = lot->answer != NULL ? &lot->answer->live : NULL,
    };
}

static bool declares(const struct lot_query_subject *lot, int type)
{
    return type >= 0 && (lot->declared_spaces & (1u << type)) != 0;
}

bool lot_query_selects_subject(const struct lot_selection *selection,
                               const struct lot_query_subject *lot)
{
    return selects_text(selection->city, lot->city) && selects_text(selection->kind, lot->kind) &&
           selects_text(selection->lot_id, lot->id) &&
           (selection->group == NULL || in_groups(lot->group_list, selection->group)) &&
           (selection->space == NULL || declares(lot, space_type_from_name(selection->space)));
}

bool lot_query_selects(const struct lot_selection *selection, const struct snapshot_lot *lot)
{
    struct lot_query_subject subject;

    lot_query_subject_of(lot, &subject);
    return lot_query_selects_subject(selection, &subject);
}

/* space=: the lot declares the type; with min_free, an open lot whose type count is fresh. */
static bool space_matches(const struct lot_query *query, const struct lot_query_subject *lot)
{
    int64_t free_spaces;

    if (!declares(lot, query->space))
        return false;
    free_spaces = lot->live->space_free != NULL ? lot->live->space_free[query->space] : -1;
    return query->min_free < 0 || (lot->live->open_now && free_spaces >= query->min_free);
}

bool lot_query_matches(const struct lot_query *query, const struct lot_query_subject *lot)
{
    const struct lot_live_facts *live = lot->live;

    if (live == NULL || !lot_query_selects_subject(&query->selection, lot))
        return false;
    if ((query->open == LOT_QUERY_OPEN_ONLY && !live->open_now) ||
        (query->open == LOT_QUERY_CLOSED_ONLY && live->open_now))
        return false;
    if (query->has_space && !space_matches(query, lot))
        return false;
    /* min_free wants a count that can be trusted: fresh, of an open lot. */
    if (query->min_free >= 0 && !query->has_space &&
        (!live->count_fresh || !live->open_now ||
         live->capacity - live->occupied < query->min_free))
        return false;
    struct geo_box box = {query->min_lat, query->min_lon, query->max_lat, query->max_lon};
    return !query->bbox || geo_box_holds(&box, lot->latitude, lot->longitude);
}

static int compare_hits(const void *left, const void *right)
{
    const struct lot_query_hit *a = left, *b = right;
    if (a->millimetres != b->millimetres)
        return a->millimetres < b->millimetres ? -1 : 1;
    return strcmp(a->answer->id, b->answer->id);
}

void lot_query_sort(struct lot_query_hit *hits, size_t count)
{
    if (count > 1) /* no hits may be no array at all */
        qsort(hits, count, sizeof(*hits), compare_hits);
}

bool lot_query_after_cursor(const struct lot_query *query, const struct lot_query_hit *hit)
{
    if (!query->has_cursor)
        return true;
    if (hit->millimetres != query->cursor_millimetres)
        return hit->millimetres > query->cursor_millimetres;
    return strcmp(hit->answer->id, query->cursor_id) > 0;
}

int lot_query_select(const struct snapshot *snapshot, const struct lot_query *query,
                     struct lot_query_hit **hits, size_t *count)
{
    const struct snapshot_lot **found = NULL;
    double *distances = NULL;
    struct lot_query_hit *kept;
    size_t candidates;

    *count = 0;
    if (query->near)
        candidates = snapshot_near(snapshot, query->near_lat, query->near_lon, query->radius_m,
                                   &found, &distances);
    else if (query->bbox)
        candidates = snapshot_in_box(snapshot, query->min_lat, query->min_lon, query->max_lat,
                                     query->max_lon, &found);
    else
        candidates = snapshot_count(snapshot);
    if (candidates == (size_t)-1)
        return LOT_QUERY_ERROR_NO_MEMORY;
    kept = calloc(candidates + 1, sizeof(*kept));
    if (kept == NULL)
        goto free_found;
    for (size_t i = 0; i < candidates; i++) {
        const struct snapshot_lot *lot = found ? found[i] : snapshot_at(snapshot, i);
        struct lot_query_hit hit = {lot->answer, lot, lot->latitude, lot->longitude,
                                    query->near ? llround(distances[i] * 1000.0) : 0};
        struct lot_query_subject subject;
        lot_query_subject_of(lot, &subject);
        if (lot_query_matches(query, &subject) && lot_query_after_cursor(query, &hit))
            kept[(*count)++] = hit;
    }
    /* The whole list is already in id order; index hits need sorting. */
    if (query->near || query->bbox)
        lot_query_sort(kept, *count);
    *hits = kept;
free_found:
    free(found);
    free(distances);
    return kept != NULL ? 0 : LOT_QUERY_ERROR_NO_MEMORY;
}

/* A selection's text: whether it is given and its length first, so no text passes for another. */
#define KEY_TEXT(text) (text) != NULL, (text) != NULL ? strlen(text) : 0, (text) ? (text) : ""

/* snprintf of query's key: the length it has (or would have), or negative. */
/* A double's bits: exact, unique, and printed as an integer (no float formatting per request). */
static uint64_t bits_of(double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof(bits));
    return bits;
}

static int write_key(char *out, size_t size, const struct lot_query *query, const char *prefix)
{
    const struct lot_selection *selection = &query->selection;
    return snprintf(out, size,
                    "%s|city%d:%zu:%s|group%d:%zu:%s|kind%d:%zu:%s|near%d:%" PRIx64 ",%" PRIx64
                    ",%" PRIx64 "|bbox%d:%" PRIx64 ",%" PRIx64 ",%" PRIx64 ",%" PRIx64
                    "|open%d|min_free%lld|space%d:%d|limit%ld|cursor%d:%lld_%s",
                    prefix, KEY_TEXT(selection->city), KEY_TEXT(selection->group),
                    KEY_TEXT(selection->kind), query->near, bits_of(query->near_lat),
                    bits_of(query->near_lon), bits_of(query->radius_m), query->bbox,
                    bits_of(query->min_lon), bits_of(query->min_lat), bits_of(query->max_lon),
                    bits_of(query->max_lat), (int)query->open, (long long)query->min_free,
                    query->has_space, query->space, query->limit, query->has_cursor,
                    (long long)query->cursor_millimetres, query->cursor_id);
}

char *lot_query_key(const struct lot_query *query, const char *prefix)
{
    /* Most keys fit here: one formatting pass on the hot path of a cached list. */
    char first[512];
    int length = write_key(first, sizeof(first), query, prefix);
    char *key;

    if (length < 0)
        return NULL;
    key = malloc((size_t)length + 1);
    if (key == NULL)
        return NULL;
    if ((size_t)length < sizeof(first))
        memcpy(key, first, (size_t)length + 1);
    else
        write_key(key, (size_t)length + 1, query, prefix);
    return key;
}
