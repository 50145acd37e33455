/* list_answer.c: the lot list's answer bytes, spliced from prebuilt lot bodies and cached; pure. */
#include "list_answer.h"

#include "etag.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The answer being written; failed when memory ran out outside the stream. */
struct writer {
    FILE *out;
    bool failed;
};

/* Write document as jansson prints it compact, without its closing character. */
static void write_open(struct writer *writer, json_t *document)
{
    char *printed = document ? json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(document);
    if (printed == NULL)
        writer->failed = true;
    else
        fwrite(printed, 1, strlen(printed) - 1, writer->out);
    free(printed);
}

/* The lot's body; under near, with "distance_m" as its last member. */
static void write_lot(struct writer *writer, const struct lot_query_hit *hit, bool near)
{
    if (!near) {
        fwrite(hit->lot->body, 1, hit->lot->body_length, writer->out);
        return;
    }
    fwrite(hit->lot->body, 1, hit->lot->body_length - 1, writer->out);
    fprintf(writer->out, ",\"distance_m\":%lld}",
            (long long)llround((double)hit->millimetres / 1000.0));
}

/* A Feature with Point geometry [lon, lat] and the lot as properties. */
static void write_feature(struct writer *writer, const struct lot_query_hit *hit, bool near)
{
    write_open(writer, json_pack("{s:s, s:s, s:{s:s, s:[f, f]}}", "type", "Feature", "id",
                                 hit->lot->id, "geometry", "type", "Point", "coordinates",
                                 hit->lot->longitude, hit->lot->latitude));
    fputs(",\"properties\":", writer->out);
    write_lot(writer, hit, near);
    fputc('}', writer->out);
}

/* The end: ],"next_cursor":"…"} resuming after last, or null after every lot. */
static void write_end(struct writer *writer, const struct lot_query *query,
                      const struct lot_query_hit *last)
{
    char cursor[128];
    json_t *string;
    char *quoted;

    if (last == NULL) {
        fputs("],\"next_cursor\":null}", writer->out);
        return;
    }
    lot_query_cursor(query, last->millimetres, last->lot->id, cursor, sizeof(cursor));
    string = json_string(cursor);
    quoted = string ? json_dumps(string, JSON_ENCODE_ANY) : NULL;
    json_decref(string);
    if (quoted == NULL)
        writer->failed = true;
    else
        fprintf(writer->out, "],\"next_cursor\":%s}", quoted);
    free(quoted);
}

/* Write the answer's document around the hits shown. */
static void write_answer(struct writer *writer, const struct lot_query *query,
                         enum list_answer_format format, const struct lot_query_hit *hits,
                         size_t count)
{
    size_t shown = count < (size_t)query->limit ? count : (size_t)query->limit;

    fputs(format == LIST_ANSWER_GEOJSON ? "{\"type\":\"FeatureCollection\",\"features\":["
                                        : "{\"lots\":[",
          writer->out);
    for (size_t i = 0; i < shown; i++) {
        if (i > 0)
            fputc(',', writer->out);
        if (format == LIST_ANSWER_GEOJSON)
            write_feature(writer, &hits[i], query->near);
        else
            write_lot(writer, &hits[i], query->near);
    }
    write_end(writer, query, count > shown ? &hits[shown - 1] : NULL);
}

int list_answer_render(const struct snapshot *snapshot, const struct lot_query *query,
                       enum list_answer_format format, char **body, size_t *length)
{
    struct lot_query_hit *hits = NULL;
    struct writer writer = {0};
    size_t count;
    char *bytes = NULL;
    size_t size = 0;
    int result = LIST_ANSWER_ERROR_NO_MEMORY;

    if (lot_query_select(snapshot, query, &hits, &count) != 0)
        return LIST_ANSWER_ERROR_NO_MEMORY;
    /* A stream in memory grows as the answer is written; no I/O. */
    writer.out = open_memstream(&bytes, &size);
    if (writer.out == NULL)
        goto free_hits;
    write_answer(&writer, query, format, hits, count);
    writer.failed |= ferror(writer.out) != 0;
    if (fclose(writer.out) != 0 || writer.failed) {
        free(bytes);
        goto free_hits;
    }
    *body = bytes;
    *length = size;
    result = 0;
free_hits:
    free(hits);
    return result;
}

int list_answer_get(struct snapshot *snapshot, const struct lot_query *query,
                    enum list_answer_format format, const struct list_cache_answer **answer,
                    struct list_cache_answer *uncached)
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
