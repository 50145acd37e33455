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

const char *list_answer_content_type(enum list_answer_format format)
{
    return format == LIST_ANSWER_GEOJSON ? "application/geo+json" : WIRE_JSON_TYPE;
}

/* body (from malloc, taken over) as an answer for this request alone, with its entity tag. */
static void answer_once(char *body, size_t length, const struct list_cache_answer **answer,
                        struct list_cache_answer *uncached)
{
    uncached->body = body;
    uncached->length = length;
    etag_of(body, length, uncached->etag, sizeof(uncached->etag));
    *answer = uncached;
}

int list_answer_kept(struct list_cache *cache, uint64_t revision, const struct lot_query *query,
                     enum list_answer_format format, list_answer_selector select, void *data,
                     const struct list_cache_answer **answer, struct list_cache_answer *uncached)
{
    char *key = lot_query_key(query, format == LIST_ANSWER_GEOJSON ? "geojson" : "lots");
    struct lot_query_hit *hits = NULL;
    int result = LIST_ANSWER_ERROR_NO_MEMORY;
    char *body = NULL;
    size_t count = 0, length = 0;

    memset(uncached, 0, sizeof(*uncached));
    if (key == NULL)
        return LIST_ANSWER_ERROR_NO_MEMORY;
    *answer = list_cache_find(cache, key, revision);
    if (*answer != NULL) {
        result = 0;
        goto free_key;
    }
    if (select(query, &hits, &count, data) != 0 ||
        list_answer_write(query, format, hits, count, &body, &length) != 0)
        goto free_hits;
    /* Too large to keep, or no memory to keep it: answered this once. */
    if (list_cache_store(cache, key, revision, body, length, answer) != 0)
        answer_once(body, length, answer, uncached);
    result = 0;
free_hits:
    free(hits);
free_key:
    free(key);
    return result;
}

static int select_from_snapshot(const struct lot_query *query, struct lot_query_hit **hits,
                                size_t *count, void *data)
{
    return lot_query_select(data, query, hits, count);
}

int list_answer_get(struct snapshot *snapshot, struct lot_names *names,
                    const struct lot_query *query, enum list_answer_format format,
                    const struct list_cache_answer **answer, struct list_cache_answer *uncached)
{
    char *body = NULL;
    size_t length = 0;

    /* A city or group no lot has: the same bytes a pass would give, without one, and no
     * cache entry. */
    if (lot_names_selects_none(names, snapshot, &query->selection)) {
        memset(uncached, 0, sizeof(*uncached));
        if (list_answer_write(query, format, NULL, 0, &body, &length) != 0)
            return LIST_ANSWER_ERROR_NO_MEMORY;
        answer_once(body, length, answer, uncached);
        return 0;
    }
    return list_answer_kept(snapshot_list_cache(snapshot), snapshot_revision(snapshot), query,
                            format, select_from_snapshot, snapshot, answer, uncached);
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
