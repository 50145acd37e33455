/* lot_names.c: the cities and groups the snapshot's lots have, hash tables rebuilt per layout. */
#include "lot_names.h"

#include <stdlib.h>
#include <string.h>

struct name_entry {
    char *name; /* NULL: the entry is empty */
    uint64_t hash;
    int64_t lots;
};

/* Names with a count each, by open addressing. */
struct name_table {
    struct name_entry *entries;
    size_t capacity; /* a power of two, at least twice used */
    size_t used;
};

struct lot_names {
    struct name_table cities;
    struct name_table groups;
    bool built;
    uint64_t layout; /* of the snapshot the tables were built from */
    uint64_t builds;
};

#define LOT_NAMES_FIRST_CAPACITY 16

struct lot_names *lot_names_new(void)
{
    return calloc(1, sizeof(struct lot_names));
}

static void clear_table(struct name_table *table)
{
    for (size_t i = 0; i < table->capacity; i++)
        free(table->entries[i].name);
    free(table->entries);
    *table = (struct name_table){0};
}

static void clear_tables(struct lot_names *names)
{
    clear_table(&names->cities);
    clear_table(&names->groups);
    names->built = false;
}

void lot_names_free(struct lot_names *names)
{
    if (names == NULL)
        return;
    clear_tables(names);
    free(names);
}

/* FNV-1a: names are the operator's, so no client can choose what collides in the table. */
static uint64_t hash_of(const char *name)
{
    uint64_t hash = 14695981039346656037ULL;

    for (const unsigned char *at = (const unsigned char *)name; *at != '\0'; at++)
        hash = (hash ^ *at) * 1099511628211ULL;
    return hash;
}

/* The entry holding name, or the empty one where it would go (linear probing). */
static struct name_entry *slot_for(const struct name_entry *entries, size_t capacity,
                                   const char *name, uint64_t hash)
{
    size_t index = (size_t)hash & (capacity - 1);

    while (entries[index].name != NULL &&
           (entries[index].hash != hash || strcmp(entries[index].name, name) != 0))
        index = (index + 1) & (capacity - 1);
    return (struct name_entry *)&entries[index];
}

/* Twice the room, the entries moved over; -1 when out of memory (nothing changed). */
static int grow(struct name_table *table)
{
    size_t capacity = table->capacity > 0 ? table->capacity * 2 : LOT_NAMES_FIRST_CAPACITY;
    struct name_entry *entries = calloc(capacity, sizeof(*entries));

    if (entries == NULL)
        return -1;
    for (size_t i = 0; i < table->capacity; i++)
        if (table->entries[i].name != NULL)
            *slot_for(entries, capacity, table->entries[i].name, table->entries[i].hash) =
                table->entries[i];
    free(table->entries);
    table->entries = entries;
    table->capacity = capacity;
    return 0;
}

/* One more lot with name; -1 when out of memory. */
static int count_lot(struct name_table *table, const char *name)
{
    uint64_t hash = hash_of(name);
    struct name_entry *entry;

    /* At most half full, so that a probe for a name not there ends soon. */
    if ((table->used + 1) * 2 > table->capacity && grow(table) != 0)
        return -1;
    entry = slot_for(table->entries, table->capacity, name, hash);
    if (entry->name == NULL) {
        entry->name = strdup(name);
        if (entry->name == NULL)
            return -1;
        entry->hash = hash;
        table->used++;
    }
    entry->lots++;
    return 0;
}

static int64_t lots_named(const struct name_table *table, const char *name)
{
    return slot_for(table->entries, table->capacity, name, hash_of(name))->lots;
}

/* Whether the index-th of groups is its first string equal to it (a lot counts once per group). */
static bool first_of_its_name(const json_t *groups, size_t index)
{
    const char *name = json_string_value(json_array_get(groups, index));

    for (size_t before = 0; before < index; before++) {
        const char *other = json_string_value(json_array_get(groups, before));
        if (other != NULL && strcmp(other, name) == 0)
            return false;
    }
    return true;
}

/* The lot's city and groups counted; -1 when out of memory. */
static int count_names(struct lot_names *names, const struct snapshot_lot *lot)
{
    size_t index;
    const json_t *group;

    if (lot->city != NULL && count_lot(&names->cities, lot->city) != 0)
        return -1;
    json_array_foreach(lot->groups, index, group)
    {
        if (json_is_string(group) && first_of_its_name(lot->groups, index) &&
            count_lot(&names->groups, json_string_value(group)) != 0)
            return -1;
    }
    return 0;
}

static int build(struct lot_names *names, const struct snapshot *snapshot)
{
    size_t count = snapshot_count(snapshot);

    clear_tables(names);
    names->builds++;
    if (grow(&names->cities) != 0 || grow(&names->groups) != 0)
        goto clear;
    for (size_t i = 0; i < count; i++)
        if (count_names(names, snapshot_at(snapshot, i)) != 0)
            goto clear;
    names->built = true;
    names->layout = snapshot_layout(snapshot);
    return 0;
clear:
    clear_tables(names);
    return -1;
}

/* Built for the snapshot's layout now; -1 when out of memory. */
static int current(struct lot_names *names, const struct snapshot *snapshot)
{
    if (names->built && names->layout == snapshot_layout(snapshot))
        return 0;
    return build(names, snapshot);
}

int64_t lot_names_city_lots(struct lot_names *names, const struct snapshot *snapshot,
                            const char *city)
{
    if (current(names, snapshot) != 0)
        return -1;
    return lots_named(&names->cities, city);
}

int64_t lot_names_group_lots(struct lot_names *names, const struct snapshot *snapshot,
                             const char *group)
{
    if (current(names, snapshot) != 0)
        return -1;
    return lots_named(&names->groups, group);
}

static bool kind_is_known(const char *kind)
{
    return strcmp(kind, "government") == 0 || strcmp(kind, "reclaimed") == 0 ||
           strcmp(kind, "public") == 0;
}

bool lot_names_selects_none(struct lot_names *names, const struct snapshot *snapshot,
                            const struct lot_selection *selection)
{
    if (selection->kind != NULL && !kind_is_known(selection->kind))
        return true;
    if (names == NULL || (selection->city == NULL && selection->group == NULL) ||
        current(names, snapshot) != 0)
        return false;
    return (selection->city != NULL && lots_named(&names->cities, selection->city) == 0) ||
           (selection->group != NULL && lots_named(&names->groups, selection->group) == 0);
}

static bool lot_in_group(const struct snapshot_lot *lot, const char *group)
{
    size_t index;
    const json_t *value;

    json_array_foreach(lot->groups, index, value)
    {
        if (json_is_string(value) && strcmp(json_string_value(value), group) == 0)
            return true;
    }
    return false;
}

const char **lot_names_group_ids(struct lot_names *names, const struct snapshot *snapshot,
                                 const char *group, size_t *count)
{
    size_t total = snapshot_count(snapshot);
    int64_t known = names != NULL ? lot_names_group_lots(names, snapshot, group) : -1;
    /* Room for the group's own lots when the set knows them, else for every lot. */
    size_t room = known >= 0 ? (size_t)known : total;
    const char **ids = calloc(room + 1, sizeof(*ids));

    *count = 0;
    if (known == 0)
        return ids;
    for (size_t i = 0; ids != NULL && i < total && *count < room; i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        if (lot_in_group(lot, group))
            ids[(*count)++] = lot->id;
    }
    return ids;
}

uint64_t lot_names_builds(const struct lot_names *names)
{
    return names->builds;
}
