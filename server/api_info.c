/* api_info.c: GET /v1/info: what a page needs to know of this deployment (map, timezone, areas,
 * version). */
#include "api_info.h"

#include "api_web.h"
#include "group.h"
#include "growable.h"

#include <inttypes.h>
#include <jansson.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A lot is "nearly full" on the map when at most this share of its spaces is
 * free: 10 %, so a 40-space lot turns amber at 4 free. Pages take it from
 * here rather than each deciding their own.
 */
#define NEARLY_FULL_SHARE 0.1

/* A group the lots name, and where its lots are. */
struct area {
    const char *id; /* borrowed from a lot's static JSON */
    size_t lots;
    double west, south, east, north;
};

struct areas {
    struct area *items;
    size_t count;
    size_t capacity;
};

static int compare_areas(const void *left, const void *right)
{
    return strcmp(((const struct area *)left)->id, ((const struct area *)right)->id);
}

static int add_lot_to_area(struct areas *areas, const char *id, const struct snapshot_lot *lot)
{
    struct area *area = NULL;

    for (size_t i = 0; i < areas->count && area == NULL; i++)
        if (strcmp(areas->items[i].id, id) == 0)
            area = &areas->items[i];
    if (area == NULL) {
        if (growable_reserve((void **)&areas->items, &areas->capacity, areas->count + 1,
                             sizeof(*areas->items)) != 0)
            return -1;
        area = &areas->items[areas->count++];
        *area = (struct area){id, 0, lot->longitude, lot->latitude, lot->longitude, lot->latitude};
    }
    area->lots++;
    area->west = lot->longitude < area->west ? lot->longitude : area->west;
    area->east = lot->longitude > area->east ? lot->longitude : area->east;
    area->south = lot->latitude < area->south ? lot->latitude : area->south;
    area->north = lot->latitude > area->north ? lot->latitude : area->north;
    return 0;
}

/* The areas as JSON, in id order; NULL when memory runs out. */
static json_t *areas_json(const struct snapshot *snapshot, const struct group_names *names)
{
    struct areas areas = {NULL, 0, 0};
    json_t *list = json_array();
    int failed = list == NULL;

    for (size_t i = 0; !failed && i < snapshot_count(snapshot); i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        size_t index;
        json_t *group;
        json_array_foreach(lot->groups, index, group)
        {
            if (json_is_string(group) && add_lot_to_area(&areas, json_string_value(group), lot))
                failed = 1;
        }
    }
    if (areas.count > 1)
        qsort(areas.items, areas.count, sizeof(*areas.items), compare_areas);
    for (size_t i = 0; !failed && i < areas.count; i++) {
        const struct area *area = &areas.items[i];
        /* GeoJSON's order: west, south, east, north. */
        /* name and names as GET /v1/groups gives them: null and {} for an unnamed area. */
        json_t *entry = group_name_to_json(group_names_find(names, area->id));
        json_t *place =
            json_pack("{s:s, s:I, s:[f,f,f,f]}", "id", area->id, "lots", (json_int_t)area->lots,
                      "bbox", area->west, area->south, area->east, area->north);

        failed = entry == NULL || place == NULL || json_object_update(entry, place) != 0 ||
                 json_array_append(list, entry) != 0;
        json_decref(place);
        json_decref(entry);
    }
    free(areas.items);
    if (failed) {
        json_decref(list);
        return NULL;
    }
    return list;
}

static json_t *text_or_null(const char *text)
{
    return text != NULL ? json_string(text) : json_null();
}

/* The document: static settings, Leaflet's presence (may change on SIGHUP) and the areas. */
static json_t *info_document(const struct endpoint_context *context)
{
    json_t *areas = areas_json(context->snapshot, snapshot_sync_groups(context->sync));

    if (areas == NULL)
        return NULL;
    return json_pack("{s:s, s:s, s:{s:b, s:o, s:o, s:f}, s:o}", "version", PARKSHARE_VERSION,
                     "timezone", context->timezone, "map", "leaflet", api_web_has_map(context->web),
                     "tiles", text_or_null(api_web_map_tiles(context->web)), "attribution",
                     text_or_null(api_web_map_attribution(context->web)), "nearly_full_share",
                     NEARLY_FULL_SHARE, "areas", areas);
}

void api_info_read(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    const struct endpoint_context *context = data;
    char key[64];

    /* Kept until a lot or an area's name changes, or a reload finds or loses Leaflet. */
    snprintf(key, sizeof(key), "info:%" PRIu64 ":%d",
             group_names_revision(snapshot_sync_groups(context->sync)),
             api_web_has_map(context->web) ? 1 : 0);
    endpoint_reply_kept_document(exchange, context, key, info_document);
}
