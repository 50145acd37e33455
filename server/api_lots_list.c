/* api_lots_list.c: GET /v1/lots and GET /v1/lots.geojson: filtered, near-sorted, paged. */
#include "api_lots_list.h"

#include "endpoint.h"
#include "lot_query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One lot in the answer's order: by distance and id with near, else by id. */
struct candidate {
    const struct snapshot_lot *lot;
    int64_t millimetres; /* distance with near, else 0 */
};

static const char *lookup_parameter(const char *name, void *data)
{
    return http_exchange_query(data, name);
}

static int compare_candidates(const void *left, const void *right)
{
    const struct candidate *a = left, *b = right;
    if (a->millimetres != b->millimetres)
        return a->millimetres < b->millimetres ? -1 : 1;
    return strcmp(a->lot->id, b->lot->id);
}

/* Whether candidate comes after the cursor in the answer's order. */
static bool after_cursor(const struct candidate *candidate, const struct lot_query *query)
{
    if (!query->has_cursor)
        return true;
    if (candidate->millimetres != query->cursor_millimetres)
        return candidate->millimetres > query->cursor_millimetres;
    return strcmp(candidate->lot->id, query->cursor_id) > 0;
}

/*
 * The matching lots in order. With near or bbox the spatial index gives the
 * candidates; otherwise every lot in id order. Returns the count or -1.
 */
static ssize_t select_lots(const struct snapshot *snapshot, const struct lot_query *query,
                           struct candidate **out)
{
    const struct snapshot_lot **found = NULL;
    double *distances = NULL;
    struct candidate *candidates;
    size_t count, kept = 0;

    if (query->near)
        count = snapshot_near(snapshot, query->near_lat, query->near_lon, query->radius_m, &found,
                              &distances);
    else if (query->bbox)
        count = snapshot_in_box(snapshot, query->min_lat, query->min_lon, query->max_lat,
                                query->max_lon, &found);
    else
        count = snapshot_count(snapshot);
    if (count == (size_t)-1)
        return -1;
    candidates = calloc(count + 1, sizeof(*candidates));
    if (candidates == NULL) {
        free(found);
        free(distances);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        const struct snapshot_lot *lot = found ? found[i] : snapshot_at(snapshot, i);
        struct candidate candidate = {lot,
                                      query->near ? (int64_t)llround(distances[i] * 1000.0) : 0};
        if (lot_query_matches(query, lot) && after_cursor(&candidate, query))
            candidates[kept++] = candidate;
    }
    free(found);
    free(distances);
    /* The whole list is already in id order; index hits need sorting. */
    if (query->near || query->bbox)
        qsort(candidates, kept, sizeof(*candidates), compare_candidates);
    *out = candidates;
    return (ssize_t)kept;
}

static json_t *lot_document(const struct endpoint_context *context,
                            const struct candidate *candidate, bool near)
{
    json_t *lot = snapshot_lot_json(context->snapshot, candidate->lot);
    if (lot != NULL && near)
        json_object_set_new(lot, "distance_m",
                            json_integer((json_int_t)llround(candidate->millimetres / 1000.0)));
    return lot;
}

/* A Feature with Point geometry [lon, lat] and the lot as properties (RFC 7946). */
static json_t *feature(const struct endpoint_context *context, const struct candidate *candidate,
                       bool near)
{
    return json_pack("{s:s, s:s, s:{s:s, s:[f, f]}, s:o*}", "type", "Feature", "id",
                     candidate->lot->id, "geometry", "type", "Point", "coordinates",
                     candidate->lot->longitude, candidate->lot->latitude, "properties",
                     lot_document(context, candidate, near));
}

static void answer(struct http_exchange *exchange, struct endpoint_context *context, bool geojson)
{
    struct lot_query query;
    struct candidate *candidates = NULL;
    struct field_error error;
    const char *unknown =
        http_exchange_unknown_query(exchange, lot_query_parameters, lot_query_parameter_count);
    json_t *list, *document;
    char cursor[128];
    ssize_t count;
    size_t shown;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           "unknown query parameter; expected city, group, kind, near, radius, "
                           "bbox, open, min_free, limit or cursor");
        return;
    }
    if (lot_query_parse(lookup_parameter, exchange, &query, &error) != 0) {
        http_reply_invalid(exchange, error.field, error.rule);
        return;
    }
    count = select_lots(context->snapshot, &query, &candidates);
    if (count < 0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    shown = (size_t)count < (size_t)query.limit ? (size_t)count : (size_t)query.limit;
    list = json_array();
    for (size_t i = 0; list != NULL && i < shown; i++)
        json_array_append_new(list, geojson ? feature(context, &candidates[i], query.near)
                                            : lot_document(context, &candidates[i], query.near));
    /* More lots follow: the cursor resumes after the last one shown. */
    if ((size_t)count > shown)
        lot_query_cursor(&query, candidates[shown - 1].millimetres, candidates[shown - 1].lot->id,
                         cursor, sizeof(cursor));
    if (geojson)
        document = json_pack("{s:s, s:o, s:s?}", "type", "FeatureCollection", "features", list,
                             "next_cursor", (size_t)count > shown ? cursor : NULL);
    else
        document = json_pack("{s:o, s:s?}", "lots", list, "next_cursor",
                             (size_t)count > shown ? cursor : NULL);
    free(candidates);
    endpoint_mark_stale(exchange, context->snapshot);
    if (document == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    if (geojson) {
        char *text = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text == NULL)
            http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        else
            http_reply(exchange, 200, "application/geo+json", text, strlen(text), NULL,
                       HTTP_REPLY_PUBLIC);
        free(text);
    } else {
        http_reply_json(exchange, 200, document, HTTP_REPLY_PUBLIC);
    }
    json_decref(document);
}

void api_lots_list(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    answer(exchange, data, false);
}

void api_lots_list_geojson(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    answer(exchange, data, true);
}
