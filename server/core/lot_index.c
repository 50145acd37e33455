/* lot_index.c: the lots' static fields, by id and by place, immutable, for lists on any thread;
 * pure. */
#include "lot_index.h"

#include "geo_index.h"
#include "growable.h"
#include "lot_names.h"
#include "lot_view.h"
#include "snapshot.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One lot's static fields: its texts as offsets in the index's block (NO_TEXT: absent). */
struct entry {
    uint32_t id, city, kind, group_list;
    unsigned declared_spaces;
    double latitude, longitude;
};

struct lot_index {
    uint64_t layout;
    struct entry *entries; /* in id order */
    size_t count;
    char *texts; /* every text, each distinct city, kind and group list once */
    size_t texts_length;
    struct geo_index *geo; /* the entries by place */
    /* The cities and groups any lot has: a list naming another one is empty, at once. */
    struct lot_name_set *names;
};

/* --- building: texts gathered into one block, the shared ones once --- */

#define NO_TEXT UINT32_MAX

struct builder {
    char *texts;
    size_t length, capacity;
    size_t *table; /* offset + 1 of each distinct shared text; 0: empty */
    size_t table_size;
    bool failed;
};

/* FNV-1a: the texts are the operators' own names. */
static size_t text_hash(const char *text)
{
    uint64_t hash = 1469598103934665603ULL;

    for (; *text != '\0'; text++)
        hash = (hash ^ (unsigned char)*text) * 1099511628211ULL;
    return (size_t)hash;
}

/* Append text to the block: its offset, or NO_TEXT when text is NULL or memory ran out. */
static uint32_t append_text(struct builder *builder, const char *text)
{
    size_t length, offset = builder->length;

    if (text == NULL || builder->failed)
        return NO_TEXT;
    length = strlen(text) + 1;
    /* Offsets are 32 bits: four gigabytes of ids and names is no city. */
    if (offset + length >= NO_TEXT) {
        builder->failed = true;
        return NO_TEXT;
    }
    if (growable_reserve((void **)&builder->texts, &builder->capacity, offset + length, 1) != 0) {
        builder->failed = true;
        return NO_TEXT;
    }
    memcpy(builder->texts + offset, text, length);
    builder->length += length;
    return (uint32_t)offset;
}

/* The offset of text in the block, appended the first time it is seen. */
static uint32_t shared_text(struct builder *builder, const char *text)
{
    size_t slot;

    if (text == NULL || builder->failed)
        return NO_TEXT;
    /* At most three shared texts a lot and a table of four slots a lot: never full. */
    slot = text_hash(text) & (builder->table_size - 1);
    while (builder->table[slot] != 0) {
        if (strcmp(builder->texts + builder->table[slot] - 1, text) == 0)
            return builder->table[slot] - 1;
        slot = (slot + 1) & (builder->table_size - 1);
    }
    uint32_t offset = append_text(builder, text);
    if (offset != NO_TEXT)
        builder->table[slot] = (size_t)offset + 1;
    return offset;
}

static const char *text_at(const struct lot_index *index, uint32_t offset)
{
    return offset == NO_TEXT ? NULL : index->texts + offset;
}

static int gather(struct lot_index *index, const struct snapshot *snapshot)
{
    struct builder builder = {0};

    builder.table_size = 16;
    while (builder.table_size < 4 * index->count)
        builder.table_size *= 2;
    builder.table = calloc(builder.table_size, sizeof(*builder.table));
    if (builder.table == NULL)
        return LOT_INDEX_ERROR_NO_MEMORY;
    for (size_t i = 0; i < index->count && !builder.failed; i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        index->entries[i] = (struct entry){append_text(&builder, lot->id),
                                           shared_text(&builder, lot->city),
                                           shared_text(&builder, lot->kind),
                                           shared_text(&builder, lot->group_list),
                                           lot->declared_spaces,
                                           lot->latitude,
                                           lot->longitude};
    }
    free(builder.table);
    index->texts = builder.texts;
    index->texts_length = builder.length;
    return builder.failed ? LOT_INDEX_ERROR_NO_MEMORY : 0;
}

/* The grid of the entries by place. */
static int file_places(struct lot_index *index)
{
    index->geo = geo_index_new();
    if (index->geo == NULL)
        return LOT_INDEX_ERROR_NO_MEMORY;
    for (size_t i = 0; i < index->count; i++) {
        struct entry *entry = &index->entries[i];
        if (geo_index_insert(index->geo, entry, entry->latitude, entry->longitude) != 0)
            return LOT_INDEX_ERROR_NO_MEMORY;
    }
    return 0;
}

int lot_index_build(const struct snapshot *snapshot, struct lot_index **out)
{
    struct lot_index *index = calloc(1, sizeof(*index));
    int result = LOT_INDEX_ERROR_NO_MEMORY;

    *out = NULL;
    if (index == NULL)
        return LOT_INDEX_ERROR_NO_MEMORY;
    index->layout = snapshot_layout(snapshot);
    index->count = snapshot_count(snapshot);
    index->entries = calloc(index->count + 1, sizeof(*index->entries));
    if (index->entries == NULL)
        goto free_index;
    result = gather(index, snapshot);
    if (result == 0 && lot_name_set_build(snapshot, &index->names) != 0)
        result = LOT_INDEX_ERROR_NO_MEMORY;
    if (result == 0)
        result = file_places(index);
    if (result != 0)
        goto free_index;
    *out = index;
    return 0;
free_index:
    lot_index_free(index);
    return result;
}

void lot_index_free(struct lot_index *index)
{
    if (index == NULL)
        return;
    geo_index_free(index->geo);
    lot_name_set_free(index->names);
    free(index->entries);
    free(index->texts);
    free(index);
}

uint64_t lot_index_layout(const struct lot_index *index)
{
    return index->layout;
}

size_t lot_index_count(const struct lot_index *index)
{
    return index->count;
}

size_t lot_index_bytes(const struct lot_index *index)
{
    /* The grid's cells are not counted: one list item a lot, as in the snapshot's grid. */
    return sizeof(*index) + index->count * (sizeof(*index->entries) + 2 * sizeof(void *)) +
           index->texts_length;
}

/* --- selecting: the static fields from the index, the live ones from the view --- */

struct selection {
    const struct lot_index *index;
    const struct lot_query *query;
    const struct lot_view *view;
    struct geo_search search;
    struct lot_query_hit *hits;
    size_t count, capacity;
    bool failed;
};

/* Take entry as a hit (at distance_m) if query takes it: static filters first, no lookup. */
static void consider(struct selection *selection, const struct entry *entry, double distance_m)
{
    const struct lot_index *index = selection->index;
    struct lot_query_subject subject = {text_at(index, entry->id),
                                        text_at(index, entry->city),
                                        text_at(index, entry->kind),
                                        text_at(index, entry->group_list),
                                        entry->declared_spaces,
                                        entry->latitude,
                                        entry->longitude,
                                        NULL};
    const struct rendered_answer *answer;
    struct lot_query_hit hit;

    if (!lot_query_selects_subject(&selection->query->selection, &subject))
        return;
    answer = lot_view_find(selection->view, subject.id);
    if (answer == NULL)
        return;
    subject.live = &answer->live;
    hit = (struct lot_query_hit){answer, NULL, entry->latitude, entry->longitude,
                                 selection->query->near ? llround(distance_m * 1000.0) : 0};
    if (!lot_query_matches(selection->query, &subject) ||
        !lot_query_after_cursor(selection->query, &hit))
        return;
    if (growable_reserve((void **)&selection->hits, &selection->capacity, selection->count + 1,
                         sizeof(*selection->hits)) != 0) {
        selection->failed = true;
        return;
    }
    selection->hits[selection->count++] = hit;
}

static bool visit(void *item, void *data)
{
    struct selection *selection = data;
    const struct entry *entry = item;
    double distance_m;

    if (geo_search_holds(&selection->search, entry->latitude, entry->longitude, &distance_m))
        consider(selection, entry, distance_m);
    return !selection->failed;
}

/* The first entry after the cursor's id: the list without a place is in id order. */
static size_t first_after(const struct lot_index *index, const struct lot_query *query)
{
    size_t low = 0, high = index->count;

    if (!query->has_cursor)
        return 0;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (strcmp(text_at(index, index->entries[middle].id), query->cursor_id) <= 0)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

int lot_index_select(const struct lot_index *index, const struct lot_view *view,
                     const struct lot_query *query, struct lot_query_hit **hits, size_t *count)
{
    struct selection selection = {.index = index, .query = query, .view = view};
    size_t wanted = (size_t)query->limit + 1;

    *hits = NULL;
    *count = 0;
    if (lot_name_set_selects_none(index->names, &query->selection))
        return 0;

    if (query->near || query->bbox) {
        selection.search =
            query->near
                ? geo_search_near(query->near_lat, query->near_lon, query->radius_m)
                : geo_search_box(query->min_lat, query->min_lon, query->max_lat, query->max_lon);
        geo_index_query(index->geo, selection.search.box.min_lat, selection.search.box.min_lon,
                        selection.search.box.max_lat, selection.search.box.max_lon, visit,
                        &selection);
        lot_query_sort(selection.hits, selection.count);
    } else {
        for (size_t i = first_after(index, query);
             i < index->count && selection.count < wanted && !selection.failed; i++)
            consider(&selection, &index->entries[i], 0);
    }
    if (selection.failed) {
        free(selection.hits);
        return LOT_INDEX_ERROR_NO_MEMORY;
    }
    *hits = selection.hits;
    *count = selection.count < wanted ? selection.count : wanted;
    return 0;
}
