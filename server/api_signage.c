/* api_signage.c: GET /v1/totals and /v1/totals.txt for signs, with long polling. */
#include "api_signage.h"

#include "etag.h"
#include "totals.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SELECTIONS_MAX 256
#define WAIT_MAX_S     60
#define COALESCE_MS    20

struct selection;

/* A long poll: answered on change, or when its wait is over. */
struct waiter {
    struct api_signage *signage;
    struct selection *selection;
    struct http_exchange *exchange;
    struct event *timer;
    bool text;
    struct waiter *next;
};

struct selection {
    char *city, *group, *kind;
    struct totals totals;
    char *json;
    size_t json_length;
    char json_etag[24];
    char text[32];
    char text_etag[24];
    uint64_t last_used;
    struct waiter *waiters;
};

struct api_signage {
    struct event_base *base;
    struct api_context *context;
    struct selection selections[SELECTIONS_MAX];
    size_t count;
    uint64_t clock; /* for least-recently-used eviction */
    struct event *recompute;
    bool scheduled;
    api_signage_observer observer;
    void *observer_data;
};

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Recompute one selection; returns whether what a sign sees changed. */
static bool refresh(struct api_signage *signage, struct selection *selection)
{
    struct totals_selection which = {selection->city, selection->group, selection->kind};
    json_t *document;
    char *json, etag[24];
    bool changed;

    totals_compute(signage->context->snapshot, &which, &selection->totals);
    document = totals_json(&selection->totals, opening_format_local);
    if (document != NULL && snapshot_stale_since(signage->context->snapshot) >= 0)
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
    totals_text(&selection->totals, selection->text);
    etag_of(selection->text, strlen(selection->text), selection->text_etag,
            sizeof(selection->text_etag));
    return changed;
}

static void clear_selection(struct selection *selection)
{
    free(selection->city);
    free(selection->group);
    free(selection->kind);
    free(selection->json);
    memset(selection, 0, sizeof(*selection));
}

static char *copy(const char *text)
{
    return text ? strdup(text) : NULL;
}

/* The cached selection, or a new one (evicting the least used idle one). */
static struct selection *find_selection(struct api_signage *signage,
                                        const struct totals_selection *which)
{
    struct selection *victim = NULL;

    for (size_t i = 0; i < signage->count; i++) {
        struct selection *selection = &signage->selections[i];
        if (same(selection->city, which->city) && same(selection->group, which->group) &&
            same(selection->kind, which->kind))
            return selection;
    }
    if (signage->count < SELECTIONS_MAX) {
        victim = &signage->selections[signage->count++];
    } else {
        for (size_t i = 0; i < SELECTIONS_MAX; i++) {
            struct selection *selection = &signage->selections[i];
            if (selection->waiters == NULL &&
                (victim == NULL || selection->last_used < victim->last_used))
                victim = selection;
        }
        if (victim == NULL)
            return NULL; /* every cached selection has a sign waiting on it */
        clear_selection(victim);
    }
    victim->city = copy(which->city);
    victim->group = copy(which->group);
    victim->kind = copy(which->kind);
    refresh(signage, victim);
    return victim;
}

static void answer(struct http_exchange *exchange, const struct selection *selection, bool text,
                   const struct snapshot *snapshot)
{
    api_mark_stale(exchange, snapshot);
    if (text)
        http_reply(exchange, 200, "text/plain; charset=utf-8", selection->text,
                   strlen(selection->text), selection->text_etag, HTTP_REPLY_PUBLIC);
    else
        http_reply(exchange, 200, "application/json", selection->json, selection->json_length,
                   selection->json_etag, HTTP_REPLY_PUBLIC);
}

static void unlink_waiter(struct waiter *waiter)
{
    struct waiter **link = &waiter->selection->waiters;
    while (*link != NULL && *link != waiter)
        link = &(*link)->next;
    if (*link == waiter)
        *link = waiter->next;
}

/* Answer a waiter with what the selection holds now (304 when unchanged). */
static void finish_waiter(struct waiter *waiter)
{
    unlink_waiter(waiter);
    event_free(waiter->timer);
    answer(waiter->exchange, waiter->selection, waiter->text, waiter->signage->context->snapshot);
    free(waiter);
}

static void on_wait_over(evutil_socket_t fd, short events, void *data)
{
    finish_waiter(data);
}

static void on_recompute(evutil_socket_t fd, short events, void *data)
{
    struct api_signage *signage = data;
    signage->scheduled = false;
    for (size_t i = 0; i < signage->count; i++) {
        struct selection *selection = &signage->selections[i];
        if (!refresh(signage, selection))
            continue;
        if (signage->observer != NULL)
            signage->observer(selection->city, selection->group, selection->kind, selection->json,
                              signage->observer_data);
        while (selection->waiters != NULL)
            finish_waiter(selection->waiters);
    }
}

void api_signage_changed(struct api_signage *signage, const char *id)
{
    struct timeval delay = {0, COALESCE_MS * 1000};
    (void)id;
    if (signage == NULL || signage->scheduled)
        return;
    signage->scheduled = true;
    evtimer_add(signage->recompute, &delay);
}

static const char *const parameters[] = {"city", "group", "kind", "wait"};

static void handle(struct http_exchange *exchange, struct api_signage *signage, bool text)
{
    struct totals_selection which = {http_exchange_query(exchange, "city"),
                                     http_exchange_query(exchange, "group"),
                                     http_exchange_query(exchange, "kind")};
    const char *unknown = http_exchange_unknown_query(exchange, parameters, 4);
    const char *wait_text = http_exchange_query(exchange, "wait");
    const char *if_none_match = http_exchange_header(exchange, "If-None-Match");
    struct selection *selection;
    struct waiter *waiter;
    struct timeval wait = {0, 0};
    char *end = NULL;
    long seconds = 0;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           "unknown query parameter; expected city, group, kind or wait");
        return;
    }
    if (wait_text != NULL) {
        errno = 0;
        seconds = strtol(wait_text, &end, 10);
        if (errno != 0 || *end != '\0' || seconds < 1 || seconds > WAIT_MAX_S) {
            http_reply_invalid(exchange, "wait", "must be whole seconds from 1 to 60");
            return;
        }
    }
    selection = find_selection(signage, &which);
    if (selection == NULL) {
        http_exchange_add_header(exchange, "Retry-After", "1");
        http_reply_problem(exchange, PROBLEM_RATE_LIMITED, "too many different selections wait");
        return;
    }
    selection->last_used = ++signage->clock;
    /* A long poll waits only while the sign already has what we would send. */
    if (seconds == 0 ||
        !etag_matches(if_none_match, text ? selection->text_etag : selection->json_etag)) {
        answer(exchange, selection, text, signage->context->snapshot);
        return;
    }
    waiter = calloc(1, sizeof(*waiter));
    if (waiter == NULL ||
        (waiter->timer = evtimer_new(signage->base, on_wait_over, waiter)) == NULL) {
        free(waiter);
        answer(exchange, selection, text, signage->context->snapshot);
        return;
    }
    *waiter =
        (struct waiter){signage, selection, exchange, waiter->timer, text, selection->waiters};
    selection->waiters = waiter;
    wait.tv_sec = seconds;
    evtimer_add(waiter->timer, &wait);
}

static void handle_json(struct http_exchange *exchange, void *data)
{
    handle(exchange, data, false);
}

static void handle_text(struct http_exchange *exchange, void *data)
{
    handle(exchange, data, true);
}

int api_signage_register(struct http_server *server, struct event_base *base,
                         struct api_context *context, struct api_signage **out)
{
    struct api_signage *signage = calloc(1, sizeof(*signage));

    if (signage == NULL)
        return -1;
    signage->base = base;
    signage->context = context;
    signage->recompute = evtimer_new(base, on_recompute, signage);
    if (signage->recompute == NULL ||
        http_server_route(server, HTTP_GET, "/v1/totals", handle_json, signage) != 0 ||
        http_server_route(server, HTTP_GET, "/v1/totals.txt", handle_text, signage) != 0) {
        api_signage_free(signage);
        return -1;
    }
    *out = signage;
    return 0;
}

void api_signage_observe(struct api_signage *signage, api_signage_observer observer, void *data)
{
    signage->observer = observer;
    signage->observer_data = data;
}

const char *api_signage_totals(struct api_signage *signage, const char *city, const char *group,
                               const char *kind)
{
    struct totals_selection which = {city, group, kind};
    struct selection *selection = find_selection(signage, &which);
    if (selection == NULL)
        return NULL;
    selection->last_used = ++signage->clock;
    return selection->json;
}

void api_signage_release(struct api_signage *signage)
{
    for (size_t i = 0; signage != NULL && i < signage->count; i++) {
        while (signage->selections[i].waiters != NULL)
            finish_waiter(signage->selections[i].waiters);
    }
}

void api_signage_free(struct api_signage *signage)
{
    if (signage == NULL)
        return;
    api_signage_release(signage);
    for (size_t i = 0; i < signage->count; i++)
        clear_selection(&signage->selections[i]);
    if (signage->recompute != NULL)
        event_free(signage->recompute);
    free(signage);
}
