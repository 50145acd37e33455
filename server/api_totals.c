/* api_totals.c: GET /v1/totals and /v1/totals.txt for signs, with long polling. */
#include "api_totals.h"

#include "clock.h"
#include "endpoint.h"
#include "etag.h"
#include "growable.h"
#include "space.h"
#include "totals.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#define SELECTIONS_MAX 256
#define WAIT_MAX_S     60
#define COALESCE_MS    20

struct selection;

/* A long poll: answered on change, or when its wait is over. */
struct waiter {
    struct api_totals *totals_endpoint;
    struct selection *selection;
    struct http_exchange *exchange;
    struct event *timer;
    bool text;
    LIST_ENTRY(waiter) link;
};

struct selection {
    char *city, *group, *kind;
    char *space; /* a space type's name, or NULL: the whole lots */
    struct totals totals;
    char *json;
    size_t json_length;
    char json_etag[24];
    char text[TOTALS_TEXT_MAX];
    char text_etag[24];
    struct totals_use use; /* followers: streams and long polls; they pin it */
    LIST_HEAD(waiter_list, waiter) waiters;
};

/*
 * At most SELECTIONS_MAX selections nothing follows stay cached; followed
 * ones are pinned and may take the cache past that, bounded by the streams
 * and connections that follow them.
 */
struct api_totals {
    struct event_base *base;
    struct endpoint_context *context;
    struct selection **selections;
    size_t count;
    size_t capacity;
    uint64_t clock; /* for least-recently-used eviction */
    struct event *recompute;
    bool scheduled;
    api_totals_observer observer;
    void *observer_data;
    api_totals_publisher publisher;
    void *publisher_data;
};

/* Tell the publisher what a kept selection answers now (kept true), or that it is gone. */
static void publish(const struct api_totals *totals_endpoint, const struct selection *selection,
                    bool kept)
{
    struct api_totals_answers answers = {selection->json, selection->json_length,
                                         selection->json_etag, selection->text,
                                         selection->text_etag};

    if (totals_endpoint->publisher != NULL)
        totals_endpoint->publisher(selection->city, selection->group, selection->kind,
                                   selection->space, kept ? &answers : NULL,
                                   totals_endpoint->publisher_data);
}

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Recompute one selection; returns whether what a sign sees (its JSON) changed. */
static bool refresh(struct api_totals *totals_endpoint, struct selection *selection)
{
    struct lot_selection which = {.city = selection->city,
                                  .group = selection->group,
                                  .kind = selection->kind,
                                  .space = selection->space};
    json_t *document;
    char *json, etag[24];
    bool changed;

    /* A city or group no lot has is zeros by a look-up: no pass for what no lot has. */
    totals_compute_named(totals_endpoint->context->snapshot, totals_endpoint->context->lot_names,
                         &which, &selection->totals);
    document = totals_json(&selection->totals, clock_format_local);
    if (document != NULL && snapshot_stale_since(totals_endpoint->context->snapshot) >= 0)
        json_object_set_new(document, "stale", json_true());
    json = document ? json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(document);
    if (json == NULL)
        return false;
    etag_of(json, strlen(json), etag, sizeof(etag));
    changed = strcmp(etag, selection->json_etag) != 0;
    free(selection->json);
    selection->json = json;
    selection->json_length = strlen(json);
    memcpy(selection->json_etag, etag, sizeof(etag));
    totals_text(&selection->totals, totals_endpoint->context->sign_unknown_text, selection->text);
    etag_of(selection->text, strlen(selection->text), selection->text_etag,
            sizeof(selection->text_etag));
    return changed;
}

static void selection_free(struct selection *selection)
{
    if (selection == NULL)
        return;
    free(selection->city);
    free(selection->group);
    free(selection->kind);
    free(selection->space);
    free(selection->json);
    free(selection);
}

static char *copy(const char *text)
{
    return text ? strdup(text) : NULL;
}

/* A selection computed now, not cached; NULL when out of memory. */
static struct selection *selection_new(struct api_totals *totals_endpoint,
                                       const struct lot_selection *which)
{
    struct selection *selection = calloc(1, sizeof(*selection));

    if (selection == NULL)
        return NULL;
    LIST_INIT(&selection->waiters);
    selection->city = copy(which->city);
    selection->group = copy(which->group);
    selection->kind = copy(which->kind);
    selection->space = copy(which->space);
    if ((which->space != NULL && selection->space == NULL) ||
        (which->city != NULL && selection->city == NULL) ||
        (which->group != NULL && selection->group == NULL) ||
        (which->kind != NULL && selection->kind == NULL))
        goto free_selection;
    refresh(totals_endpoint, selection);
    if (selection->json == NULL)
        goto free_selection;
    return selection;
free_selection:
    selection_free(selection);
    return NULL;
}

static const struct totals_use *use_at(size_t index, const void *data)
{
    const struct api_totals *totals_endpoint = data;
    return &totals_endpoint->selections[index]->use;
}

static struct selection *cached(const struct api_totals *totals_endpoint,
                                const struct lot_selection *which)
{
    for (size_t i = 0; i < totals_endpoint->count; i++) {
        struct selection *selection = totals_endpoint->selections[i];
        if (same(selection->city, which->city) && same(selection->group, which->group) &&
            same(selection->kind, which->kind) && same(selection->space, which->space))
            return selection;
    }
    return NULL;
}

/* Evict the least used selections nothing follows until a slot is free, if they can be. */
static void make_room(struct api_totals *totals_endpoint)
{
    while (totals_endpoint->count >= SELECTIONS_MAX) {
        size_t victim = totals_eviction_victim(totals_endpoint->count, use_at, totals_endpoint);
        if (victim == totals_endpoint->count)
            return; /* every one is followed */
        publish(totals_endpoint, totals_endpoint->selections[victim], false);
        selection_free(totals_endpoint->selections[victim]);
        totals_endpoint->selections[victim] = totals_endpoint->selections[--totals_endpoint->count];
    }
}

/* Keep fresh (owned) in the cache; false when it is not worth a slot or there is none. */
static bool keep(struct api_totals *totals_endpoint, struct selection *fresh, bool followed)
{
    if (!totals_worth_caching(&fresh->totals, followed))
        return false;
    make_room(totals_endpoint);
    if (totals_endpoint->count >= SELECTIONS_MAX && !followed)
        return false;
    if (growable_reserve((void **)&totals_endpoint->selections, &totals_endpoint->capacity,
                         totals_endpoint->count + 1, sizeof(*totals_endpoint->selections)) != 0)
        return false;
    totals_endpoint->selections[totals_endpoint->count++] = fresh;
    publish(totals_endpoint, fresh, true);
    return true;
}

/*
 * The selection for which: the cached one, or a new one that is cached
 * when worth it (*transient false), else computed for this answer alone
 * (*transient true: the caller frees it). A follower always gets a cached
 * one. NULL when out of memory.
 */
static struct selection *find_selection(struct api_totals *totals_endpoint,
                                        const struct lot_selection *which, bool followed,
                                        bool *transient)
{
    struct selection *selection = cached(totals_endpoint, which);

    *transient = false;
    if (selection == NULL) {
        selection = selection_new(totals_endpoint, which);
        if (selection == NULL)
            return NULL;
        if (!keep(totals_endpoint, selection, followed)) {
            if (followed) {
                selection_free(selection);
                return NULL;
            }
            *transient = true;
        }
    }
    selection->use.last_used = ++totals_endpoint->clock;
    return selection;
}

static void answer(struct http_exchange *exchange, const struct selection *selection, bool text,
                   const struct snapshot *snapshot)
{
    endpoint_mark_stale(exchange, snapshot);
    if (text)
        http_reply(exchange, 200, "text/plain; charset=utf-8", selection->text,
                   strlen(selection->text), selection->text_etag, HTTP_REPLY_PUBLIC);
    else
        http_reply(exchange, 200, WIRE_JSON_TYPE, selection->json, selection->json_length,
                   selection->json_etag, HTTP_REPLY_PUBLIC);
}

/* Answer a waiter with what the selection holds now (304 when unchanged). */
static void finish_waiter(struct waiter *waiter)
{
    LIST_REMOVE(waiter, link);
    waiter->selection->use.followers--;
    event_free(waiter->timer);
    answer(waiter->exchange, waiter->selection, waiter->text,
           waiter->totals_endpoint->context->snapshot);
    free(waiter);
}

static void on_wait_over(evutil_socket_t fd, short events, void *data)
{
    finish_waiter(data);
}

static void on_recompute(evutil_socket_t fd, short events, void *data)
{
    struct api_totals *totals_endpoint = data;
    totals_endpoint->scheduled = false;
    for (size_t i = 0; i < totals_endpoint->count; i++) {
        struct selection *selection = totals_endpoint->selections[i];
        char text_etag[sizeof(selection->text_etag)];
        bool changed;

        memcpy(text_etag, selection->text_etag, sizeof(text_etag));
        changed = refresh(totals_endpoint, selection);
        /* Before anything is answered from it: the workers never answer older totals. */
        if (changed || strcmp(text_etag, selection->text_etag) != 0)
            publish(totals_endpoint, selection, true);
        if (!changed)
            continue;
        /* Streams follow whole lots' totals; a space type's are asked for, never streamed. */
        if (totals_endpoint->observer != NULL && selection->space == NULL)
            totals_endpoint->observer(selection->city, selection->group, selection->kind,
                                      selection->json, totals_endpoint->observer_data);
        while (!LIST_EMPTY(&selection->waiters))
            finish_waiter(LIST_FIRST(&selection->waiters));
    }
}

void api_totals_changed(struct api_totals *totals_endpoint)
{
    struct timeval delay = {0, COALESCE_MS * 1000};
    if (totals_endpoint == NULL || totals_endpoint->scheduled)
        return;
    totals_endpoint->scheduled = true;
    evtimer_add(totals_endpoint->recompute, &delay);
}

static const char *const parameters[] = {"city", "group", "kind", "wait", "space"};

static void handle(struct http_exchange *exchange, struct api_totals *totals_endpoint, bool text)
{
    struct lot_selection which = {.city = http_exchange_query(exchange, "city"),
                                  .group = http_exchange_query(exchange, "group"),
                                  .kind = http_exchange_query(exchange, "kind"),
                                  .space = http_exchange_query(exchange, "space")};
    const char *unknown = http_exchange_unknown_query(exchange, parameters, 5);
    const char *if_none_match = http_exchange_header(exchange, "If-None-Match");
    struct selection *selection;
    struct waiter *waiter;
    struct timeval wait = {0, 0};
    int64_t seconds;
    bool transient;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           "unknown query parameter; expected city, group, kind, space or wait");
        return;
    }
    if (which.space != NULL && space_type_from_name(which.space) < 0) {
        char rule[160];
        snprintf(rule, sizeof(rule), "must be a space type: %s", space_type_list);
        http_reply_invalid(exchange, "space", rule);
        return;
    }
    /* 0: answer at once. */
    if (http_exchange_query_integer(exchange, "wait", "whole seconds", 1, WAIT_MAX_S, 0,
                                    &seconds) != 0)
        return;
    selection = find_selection(totals_endpoint, &which, false, &transient);
    if (selection == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    /* A long poll waits only while the sign already has what we would send. */
    if (seconds == 0 ||
        !etag_matches(if_none_match, text ? selection->text_etag : selection->json_etag)) {
        answer(exchange, selection, text, totals_endpoint->context->snapshot);
        if (transient)
            selection_free(selection);
        return;
    }
    if (http_exchange_claim_stream(exchange) != 0) {
        if (transient)
            selection_free(selection);
        return; /* over max_streams: answered 503 */
    }
    if (transient) {
        /* The poll follows this selection: it must be cached to hear of changes. */
        selection_free(selection);
        selection = find_selection(totals_endpoint, &which, true, &transient);
        if (selection == NULL) {
            http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
            return;
        }
    }
    waiter = calloc(1, sizeof(*waiter));
    if (waiter == NULL ||
        (waiter->timer = evtimer_new(totals_endpoint->base, on_wait_over, waiter)) == NULL) {
        free(waiter);
        answer(exchange, selection, text, totals_endpoint->context->snapshot);
        return;
    }
    waiter->totals_endpoint = totals_endpoint;
    waiter->selection = selection;
    waiter->exchange = exchange;
    waiter->text = text;
    selection->use.followers++;
    LIST_INSERT_HEAD(&selection->waiters, waiter, link);
    wait.tv_sec = seconds;
    evtimer_add(waiter->timer, &wait);
}

void api_totals_json(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    handle(exchange, ((struct endpoint_context *)data)->totals, false);
}

void api_totals_text(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    handle(exchange, ((struct endpoint_context *)data)->totals, true);
}

int api_totals_new(struct event_base *base, struct endpoint_context *context,
                   struct api_totals **out)
{
    struct api_totals *totals_endpoint = calloc(1, sizeof(*totals_endpoint));

    if (totals_endpoint == NULL)
        return -1;
    totals_endpoint->base = base;
    totals_endpoint->context = context;
    totals_endpoint->recompute = evtimer_new(base, on_recompute, totals_endpoint);
    if (totals_endpoint->recompute == NULL) {
        api_totals_free(totals_endpoint);
        return -1;
    }
    *out = totals_endpoint;
    return 0;
}

void api_totals_observe(struct api_totals *totals_endpoint, api_totals_observer observer,
                        void *data)
{
    totals_endpoint->observer = observer;
    totals_endpoint->observer_data = data;
}

void api_totals_publish(struct api_totals *totals_endpoint, api_totals_publisher publisher,
                        void *data)
{
    totals_endpoint->publisher = publisher;
    totals_endpoint->publisher_data = data;
    for (size_t i = 0; i < totals_endpoint->count; i++)
        publish(totals_endpoint, totals_endpoint->selections[i], true);
}

const char *api_totals_follow(struct api_totals *totals_endpoint, const char *city,
                              const char *group, const char *kind)
{
    struct lot_selection which = {.city = city, .group = group, .kind = kind};
    bool transient;
    struct selection *selection = find_selection(totals_endpoint, &which, true, &transient);
    if (selection == NULL)
        return NULL;
    selection->use.followers++;
    return selection->json;
}

void api_totals_unfollow(struct api_totals *totals_endpoint, const char *city, const char *group,
                         const char *kind)
{
    struct lot_selection which = {.city = city, .group = group, .kind = kind};
    struct selection *selection = cached(totals_endpoint, &which);
    /* Unpinned, it stays cached as the least recently used, for the next to evict. */
    if (selection != NULL && selection->use.followers > 0)
        selection->use.followers--;
}

size_t api_totals_waiter_count(const struct api_totals *totals_endpoint)
{
    size_t count = 0;
    const struct waiter *waiter;

    for (size_t i = 0; i < totals_endpoint->count; i++)
        LIST_FOREACH(waiter, &totals_endpoint->selections[i]->waiters, link)
    count++;
    return count;
}

void api_totals_release(struct api_totals *totals_endpoint)
{
    for (size_t i = 0; totals_endpoint != NULL && i < totals_endpoint->count; i++) {
        struct waiter_list *waiters = &totals_endpoint->selections[i]->waiters;
        while (!LIST_EMPTY(waiters))
            finish_waiter(LIST_FIRST(waiters));
    }
}

void api_totals_free(struct api_totals *totals_endpoint)
{
    if (totals_endpoint == NULL)
        return;
    api_totals_release(totals_endpoint);
    for (size_t i = 0; i < totals_endpoint->count; i++)
        selection_free(totals_endpoint->selections[i]);
    free(totals_endpoint->selections);
    if (totals_endpoint->recompute != NULL)
        event_free(totals_endpoint->recompute);
    free(totals_endpoint);
}
