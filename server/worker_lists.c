/* worker_lists.c: lot lists answered on workers: the lot index published, the list reads. */
#include "workers.h"

#include "clock.h"
#include "endpoint.h"
#include "feed_slots.h"
#include "http_request.h"
#include "log.h"
#include "lot_index.h"
#include "workers_private.h"

#include <parkshare/wire.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "workers";

/* --- on the owner: the lot index built when the layout moved, at a bounded pace --- */

/*
 * Offer a new index for the next publication when the snapshot's layout
 * moved since the last one and the pace allows (the whole-city feed
 * documents' pace: at once while a build takes under 10 ms, else after ten
 * times the last build's time), else arm the timer for when it will.
 * Until then the workers hand lists over: their index is behind.
 */
void worker_lists_before_update(struct workers *workers)
{
    const struct lot_index *current = view_publisher_index(workers->publisher);
    uint64_t layout = snapshot_layout(workers->snapshot);
    int64_t now_ms, wait_ms;
    struct lot_index *index = NULL;

    /* Every change comes here; most (counts) leave the layout where it was. */
    if (current != NULL && lot_index_layout(current) == layout)
        return;
    now_ms = clock_monotonic_ms();
    if (current != NULL &&
        !feed_slots_rebuild_due(layout, lot_index_layout(current), now_ms,
                                workers->index_built_at_ms, workers->index_build_ms)) {
        wait_ms = workers->index_built_at_ms + FEED_SLOTS_REBUILD_FACTOR * workers->index_build_ms -
                  now_ms;
        if (!evtimer_pending(workers->index_timer, NULL)) {
            /* A millisecond past the due time: the clock's milliseconds are whole. */
            int64_t delay_us = (wait_ms + 1) * 1000;
            struct timeval delay = {delay_us / 1000000, delay_us % 1000000};
            evtimer_add(workers->index_timer, &delay);
        }
        return;
    }
    if (lot_index_build(workers->snapshot, &index) != 0) {
        log_error(component, "no memory for the lot index; lists stay the owner's until the "
                             "next change");
        return;
    }
    workers->index_built_at_ms = clock_monotonic_ms();
    workers->index_build_ms = workers->index_built_at_ms - now_ms;
    /* A city large enough to pace its index is worth a line: changes of layout wait. */
    if (workers->index_build_ms >= FEED_SLOTS_AT_ONCE_MS)
        log_info(component,
                 "lot index for lists on workers: %zu lots, %zu KiB, built in %lld ms; "
                 "rebuilt at most every %lld ms while lots are added, moved or deleted",
                 lot_index_count(index), lot_index_bytes(index) / 1024,
                 (long long)workers->index_build_ms,
                 (long long)(FEED_SLOTS_REBUILD_FACTOR * workers->index_build_ms));
    view_publisher_offer_index(workers->publisher, index);
}

static void on_index_timer(evutil_socket_t fd, short events, void *data)
{
    struct workers *workers = data;

    (void)fd;
    (void)events;
    worker_lists_before_update(workers);
    view_publisher_update(workers->publisher, workers->snapshot, NULL);
    workers_reclaim(workers);
}

int worker_lists_prepare(struct workers *workers)
{
    workers->index_timer = evtimer_new(workers->owner_base, on_index_timer, workers);
    return workers->index_timer != NULL ? 0 : -1;
}

void worker_lists_deinit(struct workers *workers)
{
    if (workers->index_timer != NULL)
        event_free(workers->index_timer);
    workers->index_timer = NULL;
}

/* --- on a worker: the list's query read as the owner reads it --- */

static const char *lookup_parameter(const char *name, void *data)
{
    const struct worker_list_request *request = data;

    for (size_t i = 0; i < request->pairs; i++)
        if (strcmp(request->names[i], name) == 0)
            return request->values[i];
    return NULL;
}

/* Whether name is one of the list's own parameters, spelt exactly. */
static bool known_parameter(const char *name)
{
    for (size_t i = 0; i < lot_query_parameter_count; i++)
        if (strcmp(lot_query_parameters[i], name) == 0)
            return true;
    return false;
}

/*
 * Split and decode query as the owner's server does (pairs on '&', values
 * percent-decoded with '+' a space) into request; false for what the
 * owner must answer: a malformed pair, a name not spelt as the list's own
 * (an unknown one, arrive_at's forecast list, another case), a repeated
 * one, a query too long.
 */
static bool read_pairs(struct worker_list_request *request, const char *query, size_t length)
{
    char *rest = request->text;

    request->pairs = 0;
    if (query == NULL)
        return true;
    if (length >= sizeof(request->text))
        return false;
    memcpy(request->text, query, length);
    request->text[length] = '\0';
    while (*rest != '\0') {
        char *pair = strsep(&rest, "&"), *value = strchr(pair, '=');
        size_t decoded;

        if (value == NULL || value == pair)
            return false;
        *value++ = '\0';
        if (!known_parameter(pair) || lookup_parameter(pair, request) != NULL ||
            request->pairs == WORKER_LIST_MAX_PAIRS)
            return false;
        /* A value that decodes to a NUL is the owner's to refuse. */
        decoded = http_request_percent_decode(value, strlen(value), value, true);
        if (decoded != strlen(value))
            return false;
        request->names[request->pairs] = pair;
        request->values[request->pairs++] = value;
        if (rest == NULL)
            break;
    }
    return true;
}

bool worker_lists_decide(struct worker *worker, const char *path, const char *query, size_t length)
{
    struct worker_list_request *request = &worker->list;
    struct field_error error;
    const struct lot_view *view;
    const struct lot_index *index;

    if (strcmp(path, "/v1/lots") == 0)
        request->format = LIST_ANSWER_LOTS;
    else if (strcmp(path, "/v1/lots.geojson") == 0)
        request->format = LIST_ANSWER_GEOJSON;
    else
        return false;
    /* A query the owner refuses is refused by the owner: its problem+json is written once. */
    if (!read_pairs(request, query, length) ||
        lot_query_parse(lookup_parameter, request, &request->query, &error) != 0)
        return false;
    view = view_publisher_enter(worker->workers->publisher, worker->number - 1);
    index = view != NULL ? lot_view_index(view) : NULL;
    if (index == NULL || lot_index_layout(index) != lot_view_layout(view)) {
        view_publisher_leave(worker->workers->publisher, worker->number - 1);
        return false;
    }
    request->view = view;
    return true;
}

/* --- on a worker: the list's answer, kept per view version as the owner keeps it --- */

/* The hits from the index and view the decision held (a list_answer_selector). */
static int select_from_index(const struct lot_query *query, struct lot_query_hit **hits,
                             size_t *count, void *data)
{
    const struct lot_view *view = data;

    return lot_index_select(lot_view_index(view), view, query, hits, count);
}

/* As api_lots_list answers from the snapshot, with the view and index the decision held. */
void worker_reads_list(struct http_exchange *exchange, void *data)
{
    struct worker *worker = data;
    struct worker_list_request *request = &worker->list;
    const char *content_type = list_answer_content_type(request->format);
    struct list_cache_answer uncached = {0};
    const struct list_cache_answer *answer = NULL;
    const struct gzip_copy *gzip = NULL;

    worker->answered++;
    if (request->view == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the list's view was not held");
        return;
    }
    /* Kept per view version, as the owner keeps its lists per snapshot revision. */
    if (list_answer_kept(worker->lists, lot_view_generation(request->view), &request->query,
                         request->format, select_from_index, (void *)request->view, &answer,
                         &uncached) != 0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    } else {
        endpoint_mark_stale_since(exchange, lot_view_stale_since(request->view));
        if (answer != &uncached && http_exchange_wants_gzip(exchange, content_type, answer->length))
            gzip = list_cache_gzip(worker->lists, answer);
        /* Written, or its unsent rest queued, before this returns: the view may then go. */
        http_reply_encoded(exchange, content_type, answer->body, answer->length, answer->etag, gzip,
                           HTTP_REPLY_PUBLIC);
    }
    free(uncached.body);
    request->view = NULL;
    view_publisher_leave(worker->workers->publisher, worker->number - 1);
}
