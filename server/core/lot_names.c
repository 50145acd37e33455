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

struct lot_name_set {
    struct name_table cities;
    struct name_table groups;
};

struct lot_names {
    struct lot_name_set *set; /* NULL until built, or when memory ran out */
    uint64_t layout;          /* of the snapshot the set was built from */
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

void lot_name_set_free(struct lot_name_set *set)
{
    if (set == NULL)
        return;
    clear_table(&set->cities);
    clear_table(&set->groups);
    free(set);
}

void lot_names_free(struct lot_names *names)
{
    if (names == NULL)
        return;
    lot_name_set_free(names->set);
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
static int count_names(struct lot_name_set *set, const struct snapshot_lot *lot)
{
    size_t index;
    const json_t *group;

    if (lot->city != NULL && count_lot(&set->cities, lot->city) != 0)
        return -1;
    json_array_foreach(lot->groups, index, group)
    {
        if (json_is_string(group) && first_of_its_name(lot->groups, index) &&
            count_lot(&set->groups, json_string_value(group)) != 0)
            return -1;
    }
    return 0;
}

int lot_name_set_build(const struct snapshot *snapshot, struct lot_name_set **out)
{
    struct lot_name_set *set = calloc(1, sizeof(*set));
    size_t count = snapshot_count(snapshot);

    *out = NULL;
    if (set == NULL || grow(&set->cities) != 0 || grow(&set->groups) != 0)
        goto free_set;
    for (size_t i = 0; i < count; i++)
        if (count_names(set, snapshot_at(snapshot, i)) != 0)
            goto free_set;
    *out = set;
    return 0;
free_set:
    lot_name_set_free(set);
    return LOT_NAMES_ERROR_NO_MEMORY;
}

/* The set for the snapshot's layout now, built when the layout moved; NULL without memory. */
static const struct lot_name_set *current(struct lot_names *names, const struct snapshot *snapshot)
{
    if (names->set != NULL && names->layout == snapshot_layout(snapshot))
        return names->set;
    lot_name_set_free(names->set);
    names->builds++;
    names->layout = snapshot_layout(snapshot);
    if (lot_name_set_build(snapshot, &names->set) != 0)
        return NULL;
    return names->set;
}

int64_t lot_name_set_city_lots(const struct lot_name_set *set, const char *city)
{
    return lots_named(&set->cities, city);
}

int64_t lot_name_set_group_lots(const struct lot_name_set *set, const char *group)
{
    return lots_named(&set->groups, group);
}

int64_t lot_names_city_lots(struct lot_names *names, const struct snapshot *snapshot,
                            const char *city)
{
    const struct lot_name_set *set = current(names, snapshot);

    return set != NULL ? lot_name_set_city_lots(set, city) : -1;
}

int64_t lot_names_group_lots(struct lot_names *names, const struct snapshot *snapshot,
                             const char *group)
{
    const struct lot_name_set *set = current(names, snapshot);

    return set != NULL ? lot_name_set_group_lots(set, group) : -1;
}

static bool kind_is_known(const char *kind)
{
    return strcmp(kind, "government") == 0 || strcmp(kind, "reclaimed") == 0 ||
           strcmp(kind, "public") == 0;
}

bool lot_name_set_selects_none(const struct lot_name_set *set,
                               const struct lot_selection *selection)
{
    if (selection->kind != NULL && !kind_is_known(selection->kind))
        return true;
    return (selection->city != NULL && lots_named(&set->cities, selection->city) == 0) ||
           (selection->group != NULL && lots_named(&set->groups, selection->group) == 0);
}

bool lot_names_selects_none(struct lot_names *names, const struct snapshot *snapshot,
                            const struct lot_selection *selection)
{
    const struct lot_name_set *set;

    if (selection->kind != NULL && !kind_is_known(selection->kind))
        return true;
    if (names == NULL || (selection->city == NULL && selection->group == NULL))
        return false;
    set = current(names, snapshot);
    return set != NULL && lot_name_set_selects_none(set, selection);
}

const char **lot_names_group_ids(struct lot_names *names, const struct snapshot *snapshot,
                                 const char *group, size_t *count)
{
    struct lot_selection in_group = {.group = group};
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
        if (lot_query_selects(&in_group, lot))
            ids[(*count)++] = lot->id;
    }
    return ids;
}

uint64_t lot_names_builds(const struct lot_names *names)
{
    return names->builds;
}
