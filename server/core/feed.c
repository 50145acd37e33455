/* feed.c: the open-data feeds rendered from the snapshot and kept for its revision. */
#include "feed.h"

#include "civil.h"
#include "etag.h"
#include "feed_datex.h"
#include "feed_parkapi.h"
#include "feed_query.h"
#include "forecast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void feed_format_time(int64_t utc_ms, char out[21])
{
    char full[25];
    civil_format_utc_ms(utc_ms, full);
    /* Whole seconds: every reader of these formats parses them; milliseconds not all. */
    memcpy(out, full, 19);
    out[19] = 'Z';
    out[20] = '\0';
}

int64_t feed_free_spaces(const struct snapshot_lot *lot)
{
    if (!lot->count_fresh)
        return -1;
    return lot->capacity > lot->occupied ? lot->capacity - lot->occupied : 0;
}

const char *feed_trend_word(const struct snapshot_lot *lot)
{
    switch ((enum forecast_trend)lot->trend) {
    case FORECAST_TREND_STABLE:
        return "stable";
    case FORECAST_TREND_INCREASING:
        return "increasing";
    case FORECAST_TREND_DECREASING:
        return "decreasing";
    case FORECAST_TREND_UNKNOWN:
        break;
    }
    return NULL;
}

const char *feed_static_string(const struct snapshot_lot *lot, const char *name)
{
    return snapshot_lot_string(lot, name);
}

int feed_set_string(json_t *object, const char *name, const char *value)
{
    if (value == NULL)
        return 0;
    return json_object_set_new(object, name, json_string(value));
}

/* The document of kind, or NULL (*found false: no such lot or city). */
static json_t *build(const struct snapshot *snapshot, struct feed_numbers *numbers,
                     enum feed_kind kind, const char *argument, const struct feed_query *query,
                     int64_t now_ms, bool *found, bool *complete)
{
    static const struct feed_query everything = {.ignore_duplicates = true};
    const struct snapshot_lot *lot;
    int language;

    *found = true;
    *complete = true;
    switch (kind) {
    case FEED_PARKAPI_V3_LIST:
        return feed_parkapi_v3_list(snapshot, numbers, query ? query : &everything,
                                    FEED_PARKAPI_V3_PATH, now_ms, complete);
    case FEED_PARKAPI_V3_SITE:
        lot = feed_parkapi_v3_find(snapshot, numbers, argument, now_ms);
        *found = lot != NULL;
        return lot != NULL ? feed_parkapi_v3_site(snapshot, lot, now_ms) : NULL;
    case FEED_PARKAPI_V1_CITY:
        return feed_parkapi_v1_city(snapshot, argument, now_ms, found);
    case FEED_DATEX_LIGHT:
        language = feed_datex_language_of(argument != NULL ? argument : FEED_DATEX_LANGUAGE);
        *found = language >= 0;
        return *found ? feed_datex_publication(snapshot, (enum feed_datex_language)language, now_ms)
                      : NULL;
    }
    return NULL;
}

static int render(const struct snapshot *snapshot, struct feed_numbers *numbers,
                  enum feed_kind kind, const char *argument, const struct feed_query *query,
                  int64_t now_ms, char **body, size_t *length, bool *complete)
{
    bool found;
    json_t *document = build(snapshot, numbers, kind, argument, query, now_ms, &found, complete);

    if (document == NULL)
        return found ? FEED_ERROR_NO_MEMORY : FEED_ERROR_NOT_FOUND;
    *body = json_dumps(document, JSON_COMPACT);
    json_decref(document);
    if (*body == NULL)
        return FEED_ERROR_NO_MEMORY;
    *length = strlen(*body);
    return 0;
}

int feed_render(const struct snapshot *snapshot, struct feed_numbers *numbers, enum feed_kind kind,
                const char *argument, const struct feed_query *query, int64_t now_ms, char **body,
                size_t *length)
{
    bool complete;
    return render(snapshot, numbers, kind, argument, query, now_ms, body, length, &complete);
}

/*
 * The cache key of a document: a prefix no list query's key has, then the
 * argument, or for the v3 list the canonical query.
 */
static char *cache_key(enum feed_kind kind, const char *argument, const struct feed_query *query)
{
    static const char *const names[] = {"feed:v3", "feed:v3:", "feed:v1:", "feed:datex:"};
    char canonical[FEED_QUERY_CANONICAL_SIZE] = "";
    size_t size;
    char *key;

    /* With the default page in the canonical form, no limit and limit=1000 share one entry. */
    if (kind == FEED_PARKAPI_V3_LIST && query != NULL) {
        canonical[0] = '?';
        feed_query_canonical(query, 0, canonical + 1, sizeof(canonical) - 1);
        argument = canonical;
    }
    if (kind == FEED_DATEX_LIGHT && argument == NULL)
        argument = FEED_DATEX_LANGUAGE;
    size = strlen(names[kind]) + (argument ? strlen(argument) : 0) + 1;
    key = malloc(size);
    if (key != NULL)
        snprintf(key, size, "%s%s", names[kind], argument ? argument : "");
    return key;
}

int feed_get(struct snapshot *snapshot, struct feed_numbers *numbers, enum feed_kind kind,
             const char *argument, const struct feed_query *query, int64_t now_ms,
             const struct list_cache_answer **answer, struct list_cache_answer *uncached)
{
    struct list_cache *cache = snapshot_list_cache(snapshot);
    uint64_t revision = snapshot_revision(snapshot);
    char *key = cache_key(kind, argument, query);
    char *body = NULL;
    size_t length = 0;
    bool complete = true;
    int result = FEED_ERROR_NO_MEMORY;

    memset(uncached, 0, sizeof(*uncached));
    if (key == NULL)
        return FEED_ERROR_NO_MEMORY;
    *answer = list_cache_find(cache, key, revision);
    if (*answer != NULL) {
        result = 0;
        goto free_key;
    }
    result = render(snapshot, numbers, kind, argument, query, now_ms, &body, &length, &complete);
    if (result != 0)
        goto free_key;
    /* Too large to keep, no memory to keep it, or possibly missing a new
     * lot: answered this once. */
    if (!complete || list_cache_store(cache, key, revision, body, length, answer) != 0) {
        uncached->body = body;
        uncached->length = length;
        etag_of(body, length, uncached->etag, sizeof(uncached->etag));
        *answer = uncached;
    }
free_key:
    free(key);
    return result;
}

int feed_get_document(struct feed_slots *slots, struct lot_names *names,
                      const struct snapshot *snapshot, struct feed_numbers *numbers,
                      enum feed_kind kind, const char *argument, int64_t now_ms,
                      struct rendered_answer **answer)
{
    uint64_t revision = snapshot_revision(snapshot);
    char *key = cache_key(kind, argument, NULL);
    const struct rendered_answer *kept;
    struct rendered_answer *built;
    bool rebuild;
    char *body = NULL;
    size_t length = 0;
    int64_t started_ms;
    int result = FEED_ERROR_NO_MEMORY;

    *answer = NULL;
    if (key == NULL)
        return FEED_ERROR_NO_MEMORY;
    kept = feed_slots_find(slots, key, revision, &rebuild);
    if (!rebuild) {
        *answer = rendered_answer_hold(kept);
        result = 0;
        goto free_key;
    }
    /* A city without lots is refused by a look-up, not by a pass over every lot's city; -1 (no
     * memory for the set) leaves it to the build. */
    if (kind == FEED_PARKAPI_V1_CITY && names != NULL &&
        lot_names_city_lots(names, snapshot, argument) == 0) {
        result = FEED_ERROR_NOT_FOUND;
        goto free_key;
    }
    started_ms = feed_slots_clock(slots);
    result = feed_render(snapshot, numbers, kind, argument, NULL, now_ms, &body, &length);
    if (result != 0)
        goto free_key;
    built = rendered_answer_new(key, body, length, NULL);
    if (built == NULL) {
        result = FEED_ERROR_NO_MEMORY;
        goto free_key;
    }
    *answer = rendered_answer_hold(built);
    /* Not kept for want of memory: this request is still answered. */
    feed_slots_store(slots, key, revision, built, started_ms);
free_key:
    free(key);
    return result;
}
