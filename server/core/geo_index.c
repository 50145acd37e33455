/* geo_index.c: a grid of lots by location, for near and bounding-box queries; pure. */
#include "geo_index.h"

#include "growable.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Cells of 0.01 degree (about 1.1 km of latitude): a 2 km radius touches a
 * handful of cells and a 50 km one a few thousand, most of them empty and
 * skipped by one hash probe each.
 */
#define CELL_DEGREES 0.01
#define EARTH_RADIUS 6371008.8
/* A power of two: the mask of the hash table is one less. */
#define INITIAL_CELLS 1024
/* Keys are row * KEY_ROW_STRIDE + column; columns run 0 to 36000. */
#define KEY_ROW_STRIDE 100000

struct cell {
    int64_t key; /* valid when items != NULL */
    void **items;
    size_t count;
    size_t capacity;
};

struct geo_index {
    struct cell *cells;
    size_t mask;
    size_t used;
};

static int64_t cell_row(double lat)
{
    return (int64_t)floor((lat + 90.0) / CELL_DEGREES);
}

static int64_t cell_column(double lon)
{
    return (int64_t)floor((lon + 180.0) / CELL_DEGREES);
}

static int64_t cell_key(int64_t row, int64_t column)
{
    return row * KEY_ROW_STRIDE + column;
}

static size_t cell_hash(int64_t key)
{
    uint64_t hash = (uint64_t)key * 0x9e3779b97f4a7c15ULL;
    return (size_t)(hash >> 17);
}

struct geo_index *geo_index_new(void)
{
    struct geo_index *index = calloc(1, sizeof(*index));
    struct cell *cells = calloc(INITIAL_CELLS, sizeof(*cells));

    if (index == NULL || cells == NULL) {
        free(index);
        free(cells);
        return NULL;
    }
    index->cells = cells;
    index->mask = INITIAL_CELLS - 1;
    return index;
}

void geo_index_free(struct geo_index *index)
{
    if (index == NULL)
        return;
    for (size_t i = 0; i <= index->mask; i++)
        free(index->cells[i].items);
    free(index->cells);
    free(index);
}

/* The cell of key, or the empty slot where it would go (linear probing). */
static struct cell *find_cell(const struct geo_index *index, int64_t key)
{
    size_t slot = cell_hash(key) & index->mask;
    while (index->cells[slot].items != NULL && index->cells[slot].key != key)
        slot = (slot + 1) & index->mask;
    return &index->cells[slot];
}

static int grow(struct geo_index *index)
{
    struct geo_index bigger = {calloc((index->mask + 1) * 2, sizeof(struct cell)),
                               index->mask * 2 + 1, index->used};
    if (bigger.cells == NULL)
        return GEO_INDEX_ERROR_NO_MEMORY;
    for (size_t i = 0; i <= index->mask; i++) {
        if (index->cells[i].items != NULL)
            *find_cell(&bigger, index->cells[i].key) = index->cells[i];
    }
    free(index->cells);
    *index = bigger;
    return 0;
}

int geo_index_insert(struct geo_index *index, void *item, double lat, double lon)
{
    int64_t key = cell_key(cell_row(lat), cell_column(lon));
    struct cell *cell;

    if ((index->used + 1) * 2 > index->mask + 1 && grow(index) != 0)
        return GEO_INDEX_ERROR_NO_MEMORY;
    cell = find_cell(index, key);
    if (cell->count == cell->capacity) {
        bool claimed = cell->items == NULL; /* an empty cell becomes the key's */
        if (growable_reserve((void **)&cell->items, &cell->capacity, cell->count + 1,
                             sizeof(*cell->items)) != 0)
            return GEO_INDEX_ERROR_NO_MEMORY;
        if (claimed) {
            index->used++;
            cell->key = key;
        }
    }
    cell->items[cell->count++] = item;
    return 0;
}

void geo_index_remove(struct geo_index *index, void *item, double lat, double lon)
{
    struct cell *cell = find_cell(index, cell_key(cell_row(lat), cell_column(lon)));
    /* Cells stay allocated when emptied: probing chains must not break. */
    for (size_t i = 0; cell->items != NULL && i < cell->count; i++) {
        if (cell->items[i] == item) {
            cell->items[i] = cell->items[--cell->count];
            return;
        }
    }
}

/* The rows and columns a box covers, clamped to the grid: a near box may reach past a pole. */
struct cell_range {
    int64_t first_row, last_row, first_column, last_column;
};

static struct cell_range cell_range_of(double min_lat, double min_lon, double max_lat,
                                       double max_lon)
{
    struct cell_range range = {cell_row(fmax(min_lat, -90.0)), cell_row(fmin(max_lat, 90.0)),
                               cell_column(fmax(min_lon, -180.0)),
                               cell_column(fmin(max_lon, 180.0))};
    return range;
}

/* How many cells the range covers; a world box has about 6.5e8, so no int arithmetic. */
static uint64_t cell_range_size(const struct cell_range *range)
{
    if (range->last_row < range->first_row || range->last_column < range->first_column)
        return 0;
    return (uint64_t)(range->last_row - range->first_row + 1) *
           (uint64_t)(range->last_column - range->first_column + 1);
}

static bool cell_range_holds(const struct cell_range *range, int64_t key)
{
    /* Both parts are non-negative (inserted positions are valid WGS84), so / and % split them. */
    int64_t row = key / KEY_ROW_STRIDE, column = key % KEY_ROW_STRIDE;
    return row >= range->first_row && row <= range->last_row && column >= range->first_column &&
           column <= range->last_column;
}

/* Visit the items of cell; false when visit asked to stop. */
static bool visit_cell(const struct cell *cell, bool (*visit)(void *item, void *data), void *data)
{
    for (size_t i = 0; cell->items != NULL && i < cell->count; i++) {
        if (!visit(cell->items[i], data))
            return false;
    }
    return true;
}

/* One hash probe per cell of the range: cheap for a small box. False when visit stopped. */
static bool walk_range(const struct geo_index *index, const struct cell_range *range,
                       bool (*visit)(void *item, void *data), void *data)
{
    for (int64_t row = range->first_row; row <= range->last_row; row++) {
        for (int64_t column = range->first_column; column <= range->last_column; column++) {
            if (!visit_cell(find_cell(index, cell_key(row, column)), visit, data))
                return false;
        }
    }
    return true;
}

/* One pass over the table, keeping the cells in the range: cheap for a box wider than the lots. */
static bool walk_table(const struct geo_index *index, const struct cell_range *range,
                       bool (*visit)(void *item, void *data), void *data)
{
    for (size_t slot = 0; slot <= index->mask; slot++) {
        const struct cell *cell = &index->cells[slot];
        if (cell->items != NULL && cell_range_holds(range, cell->key) &&
            !visit_cell(cell, visit, data))
            return false;
    }
    return true;
}

/* The cost follows the smaller of the box and the occupied cells, never the area alone. */
static bool walk(const struct geo_index *index, double min_lat, double min_lon, double max_lat,
                 double max_lon, bool (*visit)(void *item, void *data), void *data)
{
    struct cell_range range = cell_range_of(min_lat, min_lon, max_lat, max_lon);
    if (cell_range_size(&range) > index->used)
        return walk_table(index, &range, visit, data);
    return walk_range(index, &range, visit, data);
}

void geo_index_query(const struct geo_index *index, double min_lat, double min_lon, double max_lat,
                     double max_lon, bool (*visit)(void *item, void *data), void *data)
{
    if (min_lon <= max_lon) {
        walk(index, min_lat, min_lon, max_lat, max_lon, visit, data);
        return;
    }
    /* Halves that share a column would visit its items twice: walk every longitude once. */
    if (cell_column(min_lon) <= cell_column(max_lon)) {
        walk(index, min_lat, -180.0, max_lat, 180.0, visit, data);
        return;
    }
    /* Across the antimeridian: the eastern half, then the western one. */
    if (walk(index, min_lat, min_lon, max_lat, 180.0, visit, data))
        walk(index, min_lat, -180.0, max_lat, max_lon, visit, data);
}

bool geo_box_holds(const struct geo_box *box, double lat, double lon)
{
    if (lat < box->min_lat || lat > box->max_lat)
        return false;
    if (box->min_lon <= box->max_lon)
        return lon >= box->min_lon && lon <= box->max_lon;
    return lon >= box->min_lon || lon <= box->max_lon;
}

struct geo_box geo_box_around(double lat, double lon, double radius_m)
{
    const double degrees = 180.0 / M_PI;
    double angle = (radius_m + 1.0) / EARTH_RADIUS; /* radians of arc; a metre for rounding */
    double dlat = angle * degrees, shrink, dlon;
    struct geo_box box = {fmax(lat - dlat, -90.0), -180.0, fmin(lat + dlat, 90.0), 180.0};

    /* A circle that holds a pole holds every longitude near it. */
    if (lat + dlat >= 90.0 || lat - dlat <= -90.0 || angle >= M_PI / 2)
        return box;
    /* The circle's widest longitude is asin(sin(arc) / cos(lat)), not arc / cos(lat). */
    shrink = sin(angle) / cos(lat / degrees);
    if (shrink >= 1.0)
        return box;
    dlon = asin(shrink) * degrees;
    if (dlon >= 180.0)
        return box;
    box.min_lon = lon - dlon < -180.0 ? lon - dlon + 360.0 : lon - dlon;
    box.max_lon = lon + dlon > 180.0 ? lon + dlon - 360.0 : lon + dlon;
    return box;
}

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double radians = M_PI / 180.0;
    double dlat = (lat2 - lat1) * radians, dlon = (lon2 - lon1) * radians;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * radians) * cos(lat2 * radians) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_RADIUS * asin(sqrt(a < 1 ? a : 1));
}

struct geo_search geo_search_near(double lat, double lon, double radius_m)
{
    /* Across the antimeridian or around a pole when the circle is. */
    return (struct geo_search){geo_box_around(lat, lon, radius_m), true, lat, lon, radius_m};
}

struct geo_search geo_search_box(double min_lat, double min_lon, double max_lat, double max_lon)
{
    return (struct geo_search){{min_lat, min_lon, max_lat, max_lon}, false, 0, 0, 0};
}

bool geo_search_holds(const struct geo_search *search, double lat, double lon, double *distance_m)
{
    *distance_m = 0;
    /* The walked cells reach past the box; what lies outside it is out of any
     * circle the box was drawn around, without the trigonometry. */
    if (!geo_box_holds(&search->box, lat, lon))
        return false;
    if (!search->by_distance)
        return true;
    *distance_m = geo_distance_m(search->lat, search->lon, lat, lon);
    return (double)llround(*distance_m) <= search->radius_m;
}
