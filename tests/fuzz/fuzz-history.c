/* fuzz-history.c: history imports checked, folded and read back; the query steps. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* 2026-11-02T00:00:00Z: "now" for the import's checks; a year before is the oldest kept. */
#define NOW_MS    1793577600000LL
#define OLDEST_MS (NOW_MS - 365LL * 86400000)

static void fold_and_read(const int64_t *times, const int64_t *counts, size_t count)
{
    struct history_record *records = NULL;
    struct history_point *points;
    int64_t first = 0;
    size_t buckets = 0;

    if (history_import_fold(times, counts, count, &records, &first, &buckets) != 0)
        return;
    points = calloc(buckets, sizeof(*points));
    if (points != NULL) {
        history_points_5m(records, first, buckets, -1, NOW_MS, points);
        /* Every known point lies within the counts the samples allowed. */
        for (size_t i = 0; i < buckets; i++)
            if (points[i].known && (points[i].min < 0 || points[i].max > 1000 ||
                                    points[i].mean < -0.01 || points[i].mean > 1000.01))
                abort();
    }
    free(points);
    free(records);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, 0, NULL);
    struct field_error error;
    int64_t *times = NULL, *counts = NULL, *bounds = NULL;
    size_t count = 0, steps = 0;
    enum history_step step;

    if (body != NULL &&
        history_import_parse(body, 1000, OLDEST_MS, NOW_MS, &times, &counts, &count, &error) == 0)
        fold_and_read(times, counts, count);
    free(times);
    free(counts);
    json_decref(body);
    /* The first bytes as a step name and a range. */
    if (size >= 10) {
        char name[3] = {(char)data[0], (char)data[1], 0};
        int64_t from = NOW_MS - (int64_t)(data[2] | data[3] << 8 | data[4] << 16) * 60000;
        int64_t to = NOW_MS - (int64_t)(data[5] | data[6] << 8 | data[7] << 16) * 60000;
        if (history_step_parse(name, &step) == 0 &&
            history_bounds(from, to, step, &bounds, &steps, &error) == 0 &&
            (steps == 0 || steps > HISTORY_POINTS_MAX || bounds[0] > from || bounds[steps] <= to))
            abort();
        free(bounds);
    }
    return 0;
}
