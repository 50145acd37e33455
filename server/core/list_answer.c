/* list_answer.c: the lot list's answer bytes, spliced from prebuilt lot bodies and cached; pure. */
#include "list_answer.h"

#include "etag.h"
#include "json_text.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The lot's body; under near, with "distance_m" as its last member. */
static void write_lot(struct json_text_buffer *out, const struct lot_query_hit *hit, bool near)
{
    if (!near) {
        json_text_append(out, hit->answer->body, hit->answer->body_length);
        return;
    }
    json_text_append(out, hit->answer->body, hit->answer->body_length - 1);
    json_text_append_text(out, ",\"distance_m\":");
    json_text_append_integer(out, (int64_t)llround((double)hit->millimetres / 1000.0));
    json_text_append(out, "}", 1);
}

/* A Feature with Point geometry [lon, lat] and the lot as properties. */
static void write_feature(struct json_text_buffer *out, const struct lot_query_hit *hit, bool near)
{
    json_text_append_text(out, "{\"type\":\"Feature\",\"id\":");
    json_text_append_string(out, hit->answer->id);
    json_text_append_text(out, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
    json_text_append_real(out, hit->longitude);
    json_text_append(out, ",", 1);
    json_text_append_real(out, hit->latitude);
    json_text_append_text(out, "]},\"properties\":");
    write_lot(out, hit, near);
    json_text_append(out, "}", 1);
}

/* The end: ],"next_cursor":"…"} resuming after last, or null after every lot. */
static void write_end(struct json_text_buffer *out, const struct lot_query *query,
                      const struct lot_query_hit *last)
{
    char cursor[128];

    if (last == NULL) {
        json_text_append_text(out, "],\"next_cursor\":null}");
        return;
    }
    lot_query_cursor(query, last->millimetres, last->answer->id, cursor, sizeof(cursor));
    json_text_append_text(out, "],\"next_cursor\":");
    json_text_append_string(out, cursor);
    json_text_append(out, "}", 1);
}

/* Room for the whole answer at once: the bodies shown and what goes around each. */
static size_t answer_size(const struct lot_query_hit *hits, size_t shown)
{
    size_t size = 256;

    for (size_t i = 0; i < shown; i++)
        size += hits[i].answer->body_length + 160;
    return size;
}

/* Write the answer's document around the hits shown. */
static void write_answer(struct json_text_buffer *out, const struct lot_query *query,
                         enum list_answer_format format, const struct lot_query_hit *hits,
                         size_t count)
{
    size_t shown = count < (size_t)query->limit ? count : (size_t)query->limit;

    json_text_reserve(out, answer_size(hits, shown));
    json_text_append_text(out, format == LIST_ANSWER_GEOJSON
                                   ? "{\"type\":\"FeatureCollection\",\"features\":["
                                   : "{\"lots\":[");
    for (size_t i = 0; i < shown; i++) {
        if (i > 0)
            json_text_append(out, ",", 1);
        if (format == LIST_ANSWER_GEOJSON)
            write_feature(out, &hits[i], query->near);
        else
            write_lot(out, &hits[i], query->near);
    }
    write_end(out, query, count > shown ? &hits[shown - 1] : NULL);
}

int list_answer_write(const struct lot_query *query, enum list_answer_format format,
                      const struct lot_query_hit *hits, size_t count, char **body, size_t *length)
{
    struct json_text_buffer out = {0};

    /* The lots' prebuilt bodies spliced in: no document per lot, no I/O. */
    write_answer(&out, query, format, hits, count);
    *body = json_text_finish(&out, length);
    return *body != NULL ? 0 : LIST_ANSWER_ERROR_NO_MEMORY;
}

int list_answer_render(const struct snapshot *snapshot, const struct lot_query *query,
                       enum list_answer_format format, char **body, size_t *length)
{
    struct lot_query_hit *hits = NULL;
    size_t count;
    int result;

    if (lot_query_select(snapshot, query, &hits, &count) != 0)
        return LIST_ANSWER_ERROR_NO_MEMORY;
    result = list_answer_write(query, format, hits, count, body, length);
    free(hits);
    return result;
}

/* The empty answer of a selection no lot can take, answered this once: no pass, no cache entry. */
static int answer_none(const struct lot_query *query, enum list_answer_format format,
                       const struct list_cache_answer **answer, struct list_cache_answer *uncached)
{
    if (list_answer_write(query, format, NULL, 0, &uncached->body, &uncached->length) != 0)
        return LIST_ANSWER_ERROR_NO_MEMORY;
    etag_of(uncached->body, uncached->length, uncached->etag, sizeof(uncached->etag));
    *answer = uncached;
    return 0;
}

int list_answer_get(struct snapshot *snapshot, struct lot_names *names,
                    const struct lot_query *query, enum list_answer_format format,
                    const struct list_cache_answer **answer, struct list_cache_answer *uncached)
{
    struct list_cache *cache = snapshot_list_cache(snapshot);
    uint64_t revision = snapshot_revision(snapshot);
    char *key = lot_query_key(query, format == LIST_ANSWER_GEOJSON ? "geojson" : "lots");
    int result = LIST_ANSWER_ERROR_NO_MEMORY;
    char *body = NULL;
    size_t length = 0;

    memset(uncached, 0, sizeof(*uncached));
    if (key == NULL)
        return LIST_ANSWER_ERROR_NO_MEMORY;
    /* A city or group no lot has: the same bytes a pass would give, without one. */
    if (lot_names_selects_none(names, snapshot, &query->selection)) {
        result = answer_none(query, format, answer, uncached);
        goto free_key;
    }
    *answer = list_cache_find(cache, key, revision);
    if (*answer != NULL) {
        result = 0;
        goto free_key;
    }
    if (list_answer_render(snapshot, query, format, &body, &length) != 0)
        goto free_key;
    /* Too large to keep, or no memory to keep it: answered this once. */
    if (list_cache_store(cache, key, revision, body, length, answer) != 0) {
        uncached->body = body;
        uncached->length = length;
        etag_of(body, length, uncached->etag, sizeof(uncached->etag));
        *answer = uncached;
    }
    result = 0;
free_key:
    free(key);
    return result;
}

const struct gzip_copy *list_answer_gzip(struct snapshot *snapshot,
                                         const struct list_cache_answer *answer,
                                         const struct list_cache_answer *uncached)
{
    /* An answer built for one request is compressed for it alone, by the HTTP layer. */
    if (answer == uncached)
        return NULL;
    return list_cache_gzip(snapshot_list_cache(snapshot), answer);
}
