/*
 * lot_view_bench.c: what the workers' view costs at 100,000 lots: a full build, one change
 * published, a lookup, a full update that finds nothing changed, and the bytes a lot.
 * cc -O2 -std=c17 -D_GNU_SOURCE -Iserver/core tools/lot_view_bench.c server/core/lot_view.c \
 *    server/core/rendered_answer.c server/core/etag.c server/core/gzip.c -lz \
 *    -o lot_view_bench && ./lot_view_bench
 */
#include "lot_view.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
int main(void)
{
    enum { N = 100000, CHANGES = 100000 };
    char body[700];
    memset(body, 'x', sizeof body);
    char id[32];
    struct lot_view_draft *d;
    struct lot_view_garbage *g;
    struct lot_view *v;
    size_t before = mallinfo2().uordblks;
    double t0 = now();
    lot_view_draft_begin(NULL, &d);
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "lot-%d", i);
        lot_view_draft_put(d, rendered_answer_copy(id, body, sizeof body, "\"0123456789abcdef\""));
    }
    v = lot_view_draft_finish(d, &g);
    lot_view_garbage_free(g);
    double t1 = now();
    size_t after = mallinfo2().uordblks;
    printf("full build of %d lots: %.1f ms; %.0f bytes a lot (700-byte bodies)\n", N,
           (t1 - t0) * 1e3, (double)(after - before) / N);
    size_t garbage = 0;
    double t2 = now();
    for (int c = 0; c < CHANGES; c++) {
        snprintf(id, sizeof id, "lot-%d", (c * 7919) % N);
        lot_view_draft_begin(v, &d);
        lot_view_draft_put(d, rendered_answer_copy(id, body, sizeof body, "\"0123456789abcdef\""));
        v = lot_view_draft_finish(d, &g);
        garbage += lot_view_garbage_size(g);
        lot_view_garbage_free(g);
    }
    double t3 = now();
    printf("one change published (draft, put, finish, garbage freed): %.2f us each, %.1f pieces "
           "retired each\n",
           (t3 - t2) * 1e6 / CHANGES, (double)garbage / CHANGES);
    volatile size_t found = 0;
    double t4 = now();
    for (int c = 0; c < 1000000; c++) {
        snprintf(id, sizeof id, "lot-%d", (c * 31) % N);
        found += lot_view_find(v, id) != NULL;
    }
    double t5 = now();
    printf("lookup: %.0f ns each (with the id's snprintf)\n", (t5 - t4) * 1e9 / 1000000);
    char(*ids)[32] = malloc(sizeof(*ids) * N);
    for (int i = 0; i < N; i++)
        snprintf(ids[i], 32, "lot-%d", i);
    double t6 = now();
    size_t same = 0;
    for (int i = 0; i < N; i++) {
        const struct rendered_answer *e = lot_view_find(v, ids[i]);
        same += e && e->body_length == sizeof body && strcmp(e->etag, "\"0123456789abcdef\"") == 0;
    }
    double t7 = now();
    printf("full update that finds nothing changed: %.1f ms for %d lots (%zu same)\n",
           (t7 - t6) * 1e3, N, same);
    lot_view_free(v);
    return 0;
}
