/*
 * unknown_names_bench.c: what a city or group no lot has costs at 100,000 lots, with a pass
 * over the lots (as before lot_names) and with the set's look-up: the ids of an unknown group
 * (/v1/groups/{id}/history and /forecast) and an unknown city's totals, shaped as /v1/totals
 * answers them (sums, JSON, ETag). After ninja -C build:
 * cc -O2 -std=c17 -D_GNU_SOURCE -Iserver/core -Iinclude tools/unknown_names_bench.c \
 *    build/server/core/libparkshare-core.a $(pkg-config --libs jansson) -lz -lm \
 *    -o unknown_names_bench && ./unknown_names_bench
 */
#include "clock.h"
#include "etag.h"
#include "lot_names.h"
#include "totals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { LOTS = 100000 };

static double seconds_now(void)
{
    struct timespec at;

    clock_gettime(CLOCK_MONOTONIC, &at);
    return (double)at.tv_sec + (double)at.tv_nsec / 1e9;
}

static struct snapshot *lots_in_cities(void)
{
    struct snapshot_options options = {30 * 60000, {0}};
    struct snapshot *snapshot = snapshot_new(&options);
    struct snapshot_record *records = calloc(LOTS, sizeof(*records));
    char(*ids)[16] = calloc(LOTS, sizeof(*ids));
    char(*texts)[220] = calloc(LOTS, sizeof(*texts));
    size_t skipped = 0;

    for (int i = 0; i < LOTS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "lot-%06d", i);
        snprintf(texts[i], sizeof(texts[i]),
                 "{\"name\":\"Lot %d\",\"kind\":\"public\",\"city\":\"city-%d\","
                 "\"groups\":[\"group-%d\"],\"location\":{\"lat\":26.5,\"lon\":106.5},"
                 "\"capacity\":10}",
                 i, i % 50, i % 500);
        records[i] = (struct snapshot_record){ids[i], texts[i], -1, 1, -1, NULL, NULL};
    }
    if (snapshot_load(snapshot, snapshot_begin_load(snapshot), records, LOTS, 1795489670000LL,
                      &skipped) != 0)
        exit(1);
    free(records);
    free(ids);
    free(texts);
    return snapshot;
}

/* One /v1/totals answer for the selection: sums, then its JSON and ETag as api_totals makes them.
 */
static size_t totals_answer(const struct snapshot *snapshot, struct lot_names *names,
                            const struct lot_selection *selection)
{
    struct totals totals;
    json_t *document;
    char *json, etag[24];
    size_t length;

    if (names != NULL)
        totals_compute_named(snapshot, names, selection, &totals);
    else
        totals_compute(snapshot, selection, &totals);
    document = totals_json(&totals, clock_format_local);
    json = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
    length = strlen(json);
    etag_of(json, length, etag, sizeof(etag));
    json_decref(document);
    free(json);
    return length;
}

static void measure(const char *what, struct snapshot *snapshot, struct lot_names *names,
                    int rounds)
{
    struct lot_selection city = {.city = "atlantis"};
    double started = seconds_now(), group_us, totals_us;
    size_t count = 0, sink = 0;

    for (int i = 0; i < rounds; i++) {
        const char **ids = lot_names_group_ids(names, snapshot, "nowhere", &count);
        sink += count + (ids == NULL);
        free(ids);
    }
    group_us = (seconds_now() - started) * 1e6 / rounds;
    started = seconds_now();
    for (int i = 0; i < rounds; i++)
        sink += totals_answer(snapshot, names, &city);
    totals_us = (seconds_now() - started) * 1e6 / rounds;
    printf("%-22s unknown group's ids %10.2f us (room for %zu ids)   unknown city's totals "
           "%10.2f us   [%zu]\n",
           what, group_us, names != NULL ? (size_t)1 : (size_t)LOTS + 1, totals_us, sink);
}

int main(void)
{
    struct snapshot *snapshot = lots_in_cities();
    struct lot_names *names = lot_names_new();
    double started;

    measure("a pass (before)", snapshot, NULL, 200);
    started = seconds_now();
    lot_names_city_lots(names, snapshot, "city-0");
    printf("the set's build (once per layout) %.2f ms\n", (seconds_now() - started) * 1e3);
    measure("a look-up (after)", snapshot, names, 200000);
    lot_names_free(names);
    snapshot_free(snapshot);
    return 0;
}
