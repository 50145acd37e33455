/* history.h: a lot's count history in 5-minute buckets: records, the fold, reading, import; pure.
 */
#ifndef PARKSHARE_HISTORY_H
#define PARKSHARE_HISTORY_H

#include "field_error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Storage (docs/forecast.md): a day is a string of sparse records, one for
 * each 5-minute bucket that had a change (in the order written; a later
 * record of a bucket replaces an earlier one), each HISTORY_RECORD_BYTES
 * little-endian: the bucket of the day (uint16), sum
 * (uint32, occupied x seconds accounted so far), covered (uint16, seconds
 * of the bucket accounted from its start), min, max and last (uint24 each).
 * A bucket without a record carries the previous bucket's last count.
 * Days older than the detail kept hold hourly records instead: bucket
 * HISTORY_HOURLY_FIRST + hour, sum over the end of the hour that had a
 * known count (covered seconds of it), min, max and last over that part.
 * occupancy.lua writes the same layout with struct.pack('<I2I4I2I3I3I3').
 */
#define HISTORY_BUCKET_SECONDS  300
#define HISTORY_BUCKETS_PER_DAY 288
#define HISTORY_RECORD_BYTES    17
#define HISTORY_DAY_BYTES       (HISTORY_BUCKETS_PER_DAY * HISTORY_RECORD_BYTES)
#define HISTORY_COUNT_MAX       0xffffff /* min, max and last are 24 bits */
#define HISTORY_HOURLY_FIRST    288      /* an hourly record's "bucket": 288 + hour */
#define HISTORY_POINTS_MAX      10000
#define HISTORY_IMPORT_MAX      200000

enum history_error {
    HISTORY_ERROR_INVALID = FIELD_ERROR_INVALID,
    HISTORY_ERROR_NO_MEMORY = -2,
};

/* One 5-minute bucket as stored. */
struct history_record {
    uint32_t sum;     /* occupied x seconds over the covered part */
    uint16_t covered; /* seconds from the bucket's start accounted in sum */
    uint32_t min;
    uint32_t max;
    uint32_t last;
    bool present;
};

/* One answer point: a step's time-weighted mean, extremes and last count. */
struct history_point {
    int64_t time_ms; /* the step's start */
    bool known;      /* false: no count known for any part of the step */
    double mean;
    int64_t min;
    int64_t max;
    int64_t last;
};

/* A step of the answer. */
enum history_step {
    HISTORY_STEP_5M = 0,
    HISTORY_STEP_1H,
    HISTORY_STEP_1D,
};

/* "5m", "1h" or "1d" into *step; -1 for anything else. */
int history_step_parse(const char *text, enum history_step *step);

/* A step's name ("5m", ...). */
const char *history_step_name(enum history_step step);

/*
 * The steps of an answer from from_ms to to_ms: bounds[i] is step i's start
 * (5m and 1h on UTC multiples, 1d at local midnights as core/clock sees
 * them), *steps of them and one more bound, the end, at or after to_ms;
 * *bounds malloc'd. Returns 0; HISTORY_ERROR_INVALID with error when from
 * is after to or there would be more than HISTORY_POINTS_MAX steps; or
 * HISTORY_ERROR_NO_MEMORY.
 */
int history_bounds(int64_t from_ms, int64_t to_ms, enum history_step step, int64_t **bounds,
                   size_t *steps, struct field_error *error);

/*
 * The records of a day string (length bytes) into records
 * (HISTORY_BUCKETS_PER_DAY of them, all set: absent where the day has no
 * record; an hourly record sets the buckets of its hour that it covers,
 * each at the hour's mean, min, max and last). Returns the number of
 * records, or -1 when length is not a whole number of records or a bucket
 * is out of the day (then records holds the ones before it).
 */
int history_day_decode(const unsigned char *bytes, size_t length, struct history_record *records);

/*
 * The day string of records[0 .. count - 1], buckets first_of_day ..
 * first_of_day + count - 1 of one day, absent ones left out, into bytes
 * (room for count * HISTORY_RECORD_BYTES). Returns the bytes written.
 */
size_t history_day_encode(const struct history_record *records, size_t count, size_t first_of_day,
                          unsigned char *bytes);

/*
 * The hourly records of a day (day: HISTORY_BUCKETS_PER_DAY records) into
 * hours (24; absent for an hour with no known count), as occupancy.lua
 * makes them for days past the detail kept: each the time-weighted sum
 * over the end of the hour from the day's first known count (absent
 * buckets carry the count before them), covered seconds, min, max, last.
 * A sum above 32 bits is stored as the largest that fits.
 */
void history_day_hourly(const struct history_record *day, struct history_record *hours);

/*
 * The fold, as occupancy.lua does it: the count changed from old (held since
 * previous_s; has_old false on a first report) to new at now_s (seconds).
 * records[i] is bucket first_bucket + i (count of them); the previous
 * change's bucket and the current one must both be inside. O(1).
 */
void history_fold(struct history_record *records, int64_t first_bucket, size_t count, bool has_old,
                  int64_t old, int64_t previous_s, int64_t new_count, int64_t now_s);

/*
 * The 5-minute points of buckets first_bucket .. first_bucket + count - 1
 * from their records (absent ones carry the last count forward from carry,
 * -1: unknown). A bucket's part after its last change holds that count, up
 * to now_ms for the bucket in progress; buckets after now_ms are unknown.
 */
void history_points_5m(const struct history_record *records, int64_t first_bucket, size_t count,
                       int64_t carry, int64_t now_ms, struct history_point *points);

/*
 * Fold 5-minute points (sorted, count of them) into steps: step i spans
 * [bounds[i], bounds[i + 1]) in ms (steps + 1 bounds). A step's mean is the
 * mean of its known buckets' means, min and max over them, last the last
 * known. Points outside every step are ignored.
 */
void history_points_merge(const struct history_point *points, size_t count, const int64_t *bounds,
                          size_t steps, struct history_point *out);

/*
 * Check an import body, an array of {"time": RFC 3339, "occupied": n},
 * into *times_ms / *counts (malloc'd, *count of them): at least one and at
 * most HISTORY_IMPORT_MAX samples, times strictly increasing, not after
 * now_ms nor older than oldest_ms, counts from 0 to capacity. Returns 0,
 * HISTORY_ERROR_INVALID with error naming the first broken rule
 * ("[3].time": "must be after [2].time"), or HISTORY_ERROR_NO_MEMORY.
 */
int history_import_parse(const json_t *body, int64_t capacity, int64_t oldest_ms, int64_t now_ms,
                         int64_t **times_ms, int64_t **counts, size_t *count,
                         struct field_error *error);

/*
 * The records an import writes: the fold of the samples in order over the
 * buckets from the first sample's to the last's, into *records (malloc'd,
 * *bucket_count of them, from *first_bucket). The same samples always give
 * the same records, so an import repeated changes nothing. Returns 0 or
 * HISTORY_ERROR_NO_MEMORY.
 */
int history_import_fold(const int64_t *times_ms, const int64_t *counts, size_t count,
                        struct history_record **records, int64_t *first_bucket,
                        size_t *bucket_count);

#endif
