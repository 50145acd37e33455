/* feed_cities.c: the cities the snapshot's lots are in, a hash table rebuilt per snapshot layout.
 */
#include "feed_cities.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct city_entry {
    char *name; /* NULL: the entry is empty */
    uint64_t hash;
    int64_t lots;
};

struct feed_cities {
    struct city_entry *entries;
    size_t capacity; /* a power of two, at least twice used */
    size_t used;
    bool built;
    uint64_t layout; /* of the snapshot the entries were built from */
    uint64_t builds;
};

#define FEED_CITIES_FIRST_CAPACITY 16

struct feed_cities *feed_cities_new(void)
{
    return calloc(1, sizeof(struct feed_cities));
}

static void clear_entries(struct feed_cities *cities)
{
    for (size_t i = 0; i < cities->capacity; i++)
        free(cities->entries[i].name);
    free(cities->entries);
    cities->entries = NULL;
    cities->capacity = 0;
    cities->used = 0;
    cities->built = false;
}

void feed_cities_free(struct feed_cities *cities)
{
    if (cities == NULL)
        return;
    clear_entries(cities);
    free(cities);
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
static struct city_entry *slot_for(const struct city_entry *entries, size_t capacity,
                                   const char *name, uint64_t hash)
{
    size_t index = (size_t)hash & (capacity - 1);

    while (entries[index].name != NULL &&
           (entries[index].hash != hash || strcmp(entries[index].name, name) != 0))
        index = (index + 1) & (capacity - 1);
    return (struct city_entry *)&entries[index];
}

/* Twice the room, the entries moved over; -1 when out of memory (nothing changed). */
static int grow(struct feed_cities *cities)
{
    size_t capacity = cities->capacity > 0 ? cities->capacity * 2 : FEED_CITIES_FIRST_CAPACITY;
    struct city_entry *entries = calloc(capacity, sizeof(*entries));

    if (entries == NULL)
        return -1;
    for (size_t i = 0; i < cities->capacity; i++)
        if (cities->entries[i].name != NULL)
            *slot_for(entries, capacity, cities->entries[i].name, cities->entries[i].hash) =
                cities->entries[i];
    free(cities->entries);
    cities->entries = entries;
    cities->capacity = capacity;
    return 0;
}

/* One more lot in city; -1 when out of memory. */
static int count_lot(struct feed_cities *cities, const char *city)
{
    uint64_t hash = hash_of(city);
    struct city_entry *entry;

    /* At most half full, so that a probe for a name not there ends soon. */
    if ((cities->used + 1) * 2 > cities->capacity && grow(cities) != 0)
        return -1;
    entry = slot_for(cities->entries, cities->capacity, city, hash);
    if (entry->name == NULL) {
        entry->name = strdup(city);
        if (entry->name == NULL)
            return -1;
        entry->hash = hash;
        cities->used++;
    }
    entry->lots++;
    return 0;
}

static int build(struct feed_cities *cities, const struct snapshot *snapshot)
{
    size_t count = snapshot_count(snapshot);

    clear_entries(cities);
    cities->builds++;
    if (grow(cities) != 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const char *city = snapshot_at(snapshot, i)->city;
        if (city != NULL && count_lot(cities, city) != 0) {
            clear_entries(cities);
            return -1;
        }
    }
    cities->built = true;
    cities->layout = snapshot_layout(snapshot);
    return 0;
}

int64_t feed_cities_lots(struct feed_cities *cities, const struct snapshot *snapshot,
                         const char *city)
{
    if ((!cities->built || cities->layout != snapshot_layout(snapshot)) &&
        build(cities, snapshot) != 0)
        return -1;
    return slot_for(cities->entries, cities->capacity, city, hash_of(city))->lots;
}

uint64_t feed_cities_builds(const struct feed_cities *cities)
{
    return cities->builds;
}
