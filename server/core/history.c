/* history.c: a lot's count history in 5-minute buckets: records, the fold, reading, import. */
#include "history.h"

#include "civil.h"
#include "clock.h"

#include <stdlib.h>
#include <string.h>

#define BUCKET_MS ((int64_t)HISTORY_BUCKET_SECONDS * 1000)

int history_step_parse(const char *text, enum history_step *step)
{
    static const char *const names[] = {"5m", "1h", "1d"};
    for (size_t i = 0; text != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0) {
            *step = (enum history_step)i;
            return 0;
        }
    }
    return -1;
}

const char *history_step_name(enum history_step step)
{
    return step == HISTORY_STEP_5M ? "5m" : step == HISTORY_STEP_1H ? "1h" : "1d";
}

static int64_t floor_div(int64_t a, int64_t b);

/* The start of the step that holds time_ms. */
static int64_t step_floor(int64_t time_ms, enum history_step step)
{
    int64_t size = step == HISTORY_STEP_5M ? BUCKET_MS : 3600000;
    if (step != HISTORY_STEP_1D)
        return floor_div(time_ms, size) * size;
    return clock_utc_ms(floor_div(clock_local_minute(time_ms), 1440) * 1440);
}

/* The start of the step after the one that starts at start_ms (local days vary in length). */
static int64_t step_next(int64_t start_ms, enum history_step step)
{
    if (step == HISTORY_STEP_5M)
        return start_ms + BUCKET_MS;
    if (step == HISTORY_STEP_1H)
        return start_ms + 3600000;
    return clock_utc_ms((floor_div(clock_local_minute(start_ms), 1440) + 1) * 1440);
}

int history_bounds(int64_t from_ms, int64_t to_ms, enum history_step step, int64_t **bounds,
                   size_t *steps, struct field_error *error)
{
    int64_t first = step_floor(from_ms, step);
    int64_t size = step == HISTORY_STEP_5M   ? BUCKET_MS
                   : step == HISTORY_STEP_1H ? 3600000
                                             : 82800000;
    size_t count = 0;

    *bounds = NULL;
    *steps = 0;
    if (from_ms > to_ms)
        return field_error_set(error, "from", "must not be after to");
    /* A local day is at least 23 hours: this bound never undercounts. */
    if ((to_ms - first) / size >= HISTORY_POINTS_MAX)
        return field_error_set(error, "step",
                               "%s from from to to is more than %d points; shorten the range "
                               "or take a larger step",
                               history_step_name(step), HISTORY_POINTS_MAX);
    *bounds = malloc(((size_t)((to_ms - first) / size) + 3) * sizeof(**bounds));
    if (*bounds == NULL)
        return HISTORY_ERROR_NO_MEMORY;
    (*bounds)[0] = first;
    do {
        (*bounds)[count + 1] = step_next((*bounds)[count], step);
        count++;
    } while ((*bounds)[count] <= to_ms && count <= HISTORY_POINTS_MAX);
    if (count > HISTORY_POINTS_MAX) {
        free(*bounds);
        *bounds = NULL;
        return field_error_set(error, "step", "%s from from to to is more than %d points",
                               history_step_name(step), HISTORY_POINTS_MAX);
    }
    *steps = count;
    return 0;
}

static uint32_t read_le(const unsigned char *bytes, size_t width)
{
    uint32_t value = 0;
    for (size_t i = width; i > 0; i--)
        value = value << 8 | bytes[i - 1];
    return value;
}

static void write_le(unsigned char *bytes, uint32_t value, size_t width)
{
    for (size_t i = 0; i < width; i++, value >>= 8)
        bytes[i] = (unsigned char)(value & 0xff);
}

/* One record at bytes, and its bucket of the day. */
static struct history_record record_decode(const unsigned char *bytes, size_t *bucket)
{
    *bucket = read_le(bytes, 2);
    return (struct history_record){
        .sum = read_le(bytes + 2, 4),
        .covered = (uint16_t)read_le(bytes + 6, 2),
        .min = read_le(bytes + 8, 3),
        .max = read_le(bytes + 11, 3),
        .last = read_le(bytes + 14, 3),
        .present = true,
    };
}

/*
 * An hourly record into the buckets of its hour that it covers (the end of
 * the hour: covered / 300 of them), each at the hour's mean; the buckets
 * before them stay absent and carry the count before.
 */
static void hour_expand(const struct history_record *hour, size_t index,
                        struct history_record *records)
{
    size_t known = hour->covered / HISTORY_BUCKET_SECONDS, per_hour = 3600 / HISTORY_BUCKET_SECONDS;

    if (known > per_hour)
        known = per_hour;
    for (size_t k = per_hour - known; k < per_hour; k++)
        records[index * per_hour + k] = (struct history_record){
            .sum = (uint32_t)((hour->sum + known / 2) / known),
            .covered = HISTORY_BUCKET_SECONDS,
            .min = hour->min,
            .max = hour->max,
            .last = hour->last,
            .present = true,
        };
}

int history_day_decode(const unsigned char *bytes, size_t length, struct history_record *records)
{
    size_t count = length / HISTORY_RECORD_BYTES, bucket;

    memset(records, 0, HISTORY_BUCKETS_PER_DAY * sizeof(*records));
    if (length % HISTORY_RECORD_BYTES != 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        struct history_record record = record_decode(bytes + i * HISTORY_RECORD_BYTES, &bucket);
        if (bucket >= HISTORY_HOURLY_FIRST + 24)
            return -1;
        if (bucket >= HISTORY_HOURLY_FIRST)
            hour_expand(&record, bucket - HISTORY_HOURLY_FIRST, records);
        else
            records[bucket] = record; /* a later record of a bucket replaces an earlier one */
    }
    return (int)count;
}

/* Counts above 24 bits are stored as the largest that fits. */
static uint32_t count_field(uint32_t count)
{
    return count > HISTORY_COUNT_MAX ? HISTORY_COUNT_MAX : count;
}

size_t history_day_encode(const struct history_record *records, size_t count, size_t first_of_day,
                          unsigned char *bytes)
{
    size_t used = 0;

    for (size_t i = 0; i < count; i++) {
        const struct history_record *record = &records[i];
        if (!record->present)
            continue;
        write_le(bytes + used, (uint32_t)(first_of_day + i), 2);
        write_le(bytes + used + 2, record->sum, 4);
        write_le(bytes + used + 6, record->covered, 2);
        write_le(bytes + used + 8, count_field(record->min), 3);
        write_le(bytes + used + 11, count_field(record->max), 3);
        write_le(bytes + used + 14, count_field(record->last), 3);
        used += HISTORY_RECORD_BYTES;
    }
    return used;
}

void history_day_hourly(const struct history_record *day, struct history_record *hours)
{
    const size_t per_hour = 3600 / HISTORY_BUCKET_SECONDS;
    bool known = false;
    uint32_t carry = 0;

    for (size_t h = 0; h < 24; h++) {
        struct history_record out = {0};
        uint64_t sum = 0;
        for (size_t k = 0; k < per_hour; k++) {
            const struct history_record *record = &day[h * per_hour + k];
            uint32_t low = carry, high = carry;
            uint64_t part = (uint64_t)carry * HISTORY_BUCKET_SECONDS;
            if (record->present) {
                uint32_t covered = record->covered < HISTORY_BUCKET_SECONDS
                                       ? record->covered
                                       : HISTORY_BUCKET_SECONDS;
                part = record->sum + (uint64_t)record->last * (HISTORY_BUCKET_SECONDS - covered);
                low = record->min;
                high = record->max;
                carry = record->last;
                known = true;
            } else if (!known) {
                continue; /* before the day's first known count */
            }
            out.min = out.present && out.min < low ? out.min : low;
            out.max = out.present && out.max > high ? out.max : high;
            out.present = true;
            out.covered = (uint16_t)(out.covered + HISTORY_BUCKET_SECONDS);
            out.last = carry;
            sum += part;
        }
        out.sum = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
        hours[h] = out;
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static struct history_record *record_at(struct history_record *records, int64_t first_bucket,
                                        size_t count, int64_t bucket)
{
    if (bucket < first_bucket || bucket - first_bucket >= (int64_t)count)
        return NULL;
    return &records[bucket - first_bucket];
}

void history_fold(struct history_record *records, int64_t first_bucket, size_t count, bool has_old,
                  int64_t old, int64_t previous_s, int64_t new_count, int64_t now_s)
{
    int64_t bucket_now = floor_div(now_s, HISTORY_BUCKET_SECONDS);
    int64_t start_now = bucket_now * HISTORY_BUCKET_SECONDS;
    struct history_record *current = record_at(records, first_bucket, count, bucket_now);
    struct history_record *previous;
    int64_t bucket_previous;

    if (current == NULL)
        return;
    if (!has_old) {
        /* A first report: taken to have held since its bucket began. */
        old = new_count;
        previous_s = start_now;
    }
    if (previous_s > now_s)
        previous_s = now_s; /* a clock that stepped back: no negative time */
    bucket_previous = floor_div(previous_s, HISTORY_BUCKET_SECONDS);
    if (bucket_previous == bucket_now && current->present) {
        current->sum += (uint32_t)(old * (now_s - previous_s));
        current->covered = (uint16_t)(now_s - start_now);
    } else {
        /* The previous change's bucket is finished at the old count; between the two,
         * buckets stay absent and readers carry the old count through them. */
        previous = record_at(records, first_bucket, count, bucket_previous);
        if (previous != NULL && previous->present && bucket_previous < bucket_now) {
            previous->sum +=
                (uint32_t)(old * ((bucket_previous + 1) * HISTORY_BUCKET_SECONDS - previous_s));
            previous->covered = HISTORY_BUCKET_SECONDS;
        }
        /* A change right at the bucket's start: the old count never held in it. */
        uint32_t edge = (uint32_t)(now_s > start_now ? old : new_count);
        *current = (struct history_record){(uint32_t)(old * (now_s - start_now)),
                                           (uint16_t)(now_s - start_now),
                                           edge,
                                           edge,
                                           edge,
                                           true};
    }
    if ((uint32_t)new_count < current->min)
        current->min = (uint32_t)new_count;
    if ((uint32_t)new_count > current->max)
        current->max = (uint32_t)new_count;
    current->last = (uint32_t)new_count;
}

static void point_from_record(const struct history_record *record, int64_t start_ms, int64_t now_ms,
                              struct history_point *point)
{
    int64_t end_ms = start_ms + BUCKET_MS < now_ms ? start_ms + BUCKET_MS : now_ms;
    double span = (double)(end_ms - start_ms) / 1000.0;
    double tail = span - record->covered;

    if (tail < 0)
        tail = 0;
    point->known = true;
    point->mean = record->covered + tail > 0
                      ? (record->sum + (double)record->last * tail) / (record->covered + tail)
                      : record->last;
    point->min = record->min;
    point->max = record->max;
    point->last = record->last;
}

void history_points_5m(const struct history_record *records, int64_t first_bucket, size_t count,
                       int64_t carry, int64_t now_ms, struct history_point *points)
{
    for (size_t i = 0; i < count; i++) {
        int64_t start_ms = (first_bucket + (int64_t)i) * BUCKET_MS;
        struct history_point *point = &points[i];

        *point = (struct history_point){.time_ms = start_ms, .known = false};
        if (start_ms >= now_ms)
            continue;
        if (records[i].present) {
            point_from_record(&records[i], start_ms, now_ms, point);
            carry = records[i].last;
        } else if (carry >= 0) {
            *point = (struct history_point){start_ms, true, (double)carry, carry, carry, carry};
        }
    }
}

static void merge_one(const struct history_point *points, size_t from, size_t to,
                      struct history_point *out)
{
    double total = 0;
    size_t known = 0;

    for (size_t j = from; j < to; j++) {
        if (!points[j].known)
            continue;
        if (known == 0 || points[j].min < out->min)
            out->min = points[j].min;
        if (known == 0 || points[j].max > out->max)
            out->max = points[j].max;
        out->last = points[j].last;
        total += points[j].mean;
        known++;
    }
    out->known = known > 0;
    out->mean = known > 0 ? total / (double)known : 0;
}

void history_points_merge(const struct history_point *points, size_t count, const int64_t *bounds,
                          size_t steps, struct history_point *out)
{
    size_t j = 0;

    for (size_t i = 0; i < steps; i++) {
        size_t from;
        while (j < count && points[j].time_ms < bounds[i])
            j++;
        from = j;
        while (j < count && points[j].time_ms < bounds[i + 1])
            j++;
        out[i] = (struct history_point){.time_ms = bounds[i]};
        merge_one(points, from, j, &out[i]);
    }
}

static int take_sample(const json_t *item, size_t index, int64_t capacity, int64_t oldest_ms,
                       int64_t now_ms, int64_t *time_ms, int64_t *occupied,
                       struct field_error *error)
{
    const json_t *time = json_object_get(item, "time");
    const json_t *count = json_object_get(item, "occupied");

    if (!json_is_object(item) || json_object_size(item) != 2)
        return field_error_set(error, "samples", "[%zu] must be {\"time\", \"occupied\"}", index);
    if (!json_is_string(time) || civil_parse_rfc3339(json_string_value(time), time_ms) != 0)
        return field_error_set(error, "samples", "[%zu].time must be an RFC 3339 time", index);
    if (*time_ms > now_ms)
        return field_error_set(error, "samples", "[%zu].time is in the future", index);
    if (*time_ms < oldest_ms)
        return field_error_set(error, "samples", "[%zu].time is older than history_days keeps",
                               index);
    if (!json_is_integer(count) || json_integer_value(count) < 0 ||
        json_integer_value(count) > capacity)
        return field_error_set(error, "samples",
                               "[%zu].occupied must be an integer from 0 to the capacity %lld",
                               index, (long long)capacity);
    *occupied = json_integer_value(count);
    return 0;
}

int history_import_parse(const json_t *body, int64_t capacity, int64_t oldest_ms, int64_t now_ms,
                         int64_t **times_ms, int64_t **counts, size_t *count,
                         struct field_error *error)
{
    size_t size = json_is_array(body) ? json_array_size(body) : 0;
    int result = 0;

    *times_ms = NULL;
    *counts = NULL;
    *count = 0;
    if (size == 0 || size > HISTORY_IMPORT_MAX)
        return field_error_set(error, "samples",
                               "must be an array of 1 to %d {\"time\", \"occupied\"} samples",
                               HISTORY_IMPORT_MAX);
    *times_ms = malloc(size * sizeof(**times_ms));
    *counts = malloc(size * sizeof(**counts));
    if (*times_ms == NULL || *counts == NULL) {
        result = HISTORY_ERROR_NO_MEMORY;
        goto free_arrays;
    }
    for (size_t i = 0; i < size && result == 0; i++) {
        result = take_sample(json_array_get(body, i), i, capacity, oldest_ms, now_ms,
                             &(*times_ms)[i], &(*counts)[i], error);
        if (result == 0 && i > 0 && (*times_ms)[i] <= (*times_ms)[i - 1])
            result =
                field_error_set(error, "samples", "[%zu].time must be after [%zu].time", i, i - 1);
    }
    if (result == 0) {
        *count = size;
        return 0;
    }
free_arrays:
    free(*times_ms);
    free(*counts);
    *times_ms = NULL;
    *counts = NULL;
    return result;
}

int history_import_fold(const int64_t *times_ms, const int64_t *counts, size_t count,
                        struct history_record **records, int64_t *first_bucket,
                        size_t *bucket_count)
{
    int64_t first = floor_div(floor_div(times_ms[0], 1000), HISTORY_BUCKET_SECONDS);
    int64_t last = floor_div(floor_div(times_ms[count - 1], 1000), HISTORY_BUCKET_SECONDS);
    size_t buckets = (size_t)(last - first + 1);

    *records = calloc(buckets, sizeof(**records));
    if (*records == NULL)
        return HISTORY_ERROR_NO_MEMORY;
    for (size_t i = 0; i < count; i++)
        history_fold(*records, first, buckets, i > 0, i > 0 ? counts[i - 1] : 0,
                     i > 0 ? floor_div(times_ms[i - 1], 1000) : 0, counts[i],
                     floor_div(times_ms[i], 1000));
    *first_bucket = first;
    *bucket_count = buckets;
    return 0;
}
