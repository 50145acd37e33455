/* api_stream.c: GET /v1/stream: Server-Sent Events of lots and totals for a selection. */
#include "api_stream.h"

#include "clock.h"
#include "endpoint.h"
#include "log.h"
#include "lot_names.h"
#include "lot_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#define PING_MS 15000
/* Tests only: a shorter ping interval in milliseconds (documented in docs/api.md). */
#define PING_ENV "PARKSHARE_TEST_STREAM_PING_MS"

struct client {
    struct api_stream *stream;
    struct http_stream *stream_to; /* a stream lives as long as its sign: no idle timeout */
    char *city, *group, *lot;
    bool following; /* pins the totals of city and group while the client is here */
    LIST_ENTRY(client) link;
};

struct api_stream {
    struct event_base *base;
    struct endpoint_context *context;
    struct api_totals *totals_endpoint;
    size_t buffer_limit;
    LIST_HEAD(client_list, client) clients;
    struct event *ping;    /* the ping event's timer */
    uint64_t closure_seen; /* the snapshot's closure serial whose events were sent */
};

static const char component[] = "stream";

static void client_free(struct client *client)
{
    if (client->following)
        api_totals_unfollow(client->stream->totals_endpoint, client->city, client->group, NULL);
    free(client->city);
    free(client->group);
    free(client->lot);
    free(client);
}

static void unlink_client(struct client *client)
{
    LIST_REMOVE(client, link);
}

/* The client went away: forget it; the HTTP layer frees its stream. */
static void on_close(void *data)
{
    struct client *client = data;
    unlink_client(client);
    client_free(client);
}

/*
 * Queue text for a client, or drop the client when it stopped reading (or
 * is gone). Returns false when the client was dropped (and freed).
 */
static bool send_text(struct client *client, const char *text, size_t length)
{
    if (http_stream_send(client->stream_to, text, length))
        return true;
    if (http_stream_queued_bytes(client->stream_to) + length > client->stream->buffer_limit)
        log_warning(component, "dropping a stream client that stopped reading");
    unlink_client(client);
    http_stream_end(client->stream_to);
    client_free(client);
    return false;
}

static bool send_event(struct client *client, const char *name, const char *json)
{
    /* "event: " name "\ndata: " json "\n\n" and the NUL. */
    size_t size = strlen(name) + strlen(json) + 17, length;
    char *text = malloc(size);
    bool alive;
    if (text == NULL)
        return true;
    length = (size_t)snprintf(text, size, "event: %s\ndata: %s\n\n", name, json);
    alive = send_text(client, text, length);
    free(text);
    return alive;
}

static bool client_wants(const struct client *client, const struct snapshot_lot *lot)
{
    struct lot_selection selection = {client->city, client->group, NULL, client->lot, NULL};
    return lot_query_selects(&selection, lot);
}

/* A lot event carries the live fields a sign or map needs, not the static ones. */
static char *lot_event(const struct api_stream *stream, const struct snapshot_lot *lot)
{
    json_t *full = snapshot_lot_json(stream->context->snapshot, lot);
    static const char *const live[] = {"id",      "occupied", "free",        "capacity",
                                       "state",   "open_now", "next_change", "updated_at",
                                       "version", "leave_by", "closure"};
    json_t *event = json_object();
    char *text;

    for (size_t i = 0; full != NULL && event != NULL && i < sizeof(live) / sizeof(live[0]); i++)
        json_object_set(event, live[i], json_object_get(full, live[i]));
    /* A lot with space types streams their counts too (absent otherwise, like the answer). */
    if (event != NULL && json_object_get(full, "spaces") != NULL)
        json_object_set(event, "spaces", json_object_get(full, "spaces"));
    text = event ? json_dumps(event, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(event);
    json_decref(full);
    return text;
}

static bool send_lot(struct api_stream *stream, struct client *client,
                     const struct snapshot_lot *lot)
{
    char *text = lot_event(stream, lot);
    bool alive = text == NULL || send_event(client, "lot", text);
    free(text);
    return alive;
}

/*
 * Every selected lot as it is now; false when the client was dropped. A
 * city or group no lot has is none by a look-up, and one lot is found by
 * its id: a pass over the lots only for what some lot may match.
 */
static bool send_all_lots(struct api_stream *stream, struct client *client)
{
    struct lot_selection selection = {client->city, client->group, NULL, client->lot, NULL};
    const struct snapshot_lot *lot;

    if (lot_names_selects_none(stream->context->lot_names, stream->context->snapshot, &selection))
        return true;
    if (client->lot != NULL) {
        lot = snapshot_find(stream->context->snapshot, client->lot);
        return lot == NULL || !client_wants(client, lot) || send_lot(stream, client, lot);
    }
    for (size_t i = 0; i < snapshot_count(stream->context->snapshot); i++) {
        lot = snapshot_at(stream->context->snapshot, i);
        if (client_wants(client, lot) && !send_lot(stream, client, lot))
            return false;
    }
    return true;
}

/*
 * A "closure" event for each lot with one newer than what was sent (a
 * closure announced, withdrawn, started or ended), to the clients that
 * select the lot.
 */
static void send_closure_events(struct api_stream *stream)
{
    const struct snapshot *snapshot = stream->context->snapshot;
    uint64_t serial = snapshot_closure_serial(snapshot);
    struct client *client, *next;

    if (serial == stream->closure_seen)
        return;
    for (size_t i = 0; i < snapshot_count(snapshot); i++) {
        const struct snapshot_lot *lot = snapshot_at(snapshot, i);
        if (lot->closure_event == NULL || lot->closure_event_serial <= stream->closure_seen)
            continue;
        for (client = LIST_FIRST(&stream->clients); client != NULL; client = next) {
            next = LIST_NEXT(client, link); /* sending may drop the client */
            if (client_wants(client, lot))
                send_event(client, "closure", lot->closure_event);
        }
    }
    stream->closure_seen = serial;
}

void api_stream_lot_changed(struct api_stream *stream, const char *id)
{
    const struct snapshot_lot *lot;
    struct client *client, *next;
    char *text;

    if (stream == NULL)
        return;
    send_closure_events(stream);
    lot = id ? snapshot_find(stream->context->snapshot, id) : NULL;
    text = lot ? lot_event(stream, lot) : NULL;

    for (client = LIST_FIRST(&stream->clients); client != NULL; client = next) {
        next = LIST_NEXT(client, link); /* sending may drop the client */
        if (id == NULL)
            send_all_lots(stream, client); /* the clock moved: every selected lot */
        else if (text != NULL && client_wants(client, lot)) {
            send_event(client, "lot", text);
        }
    }
    free(text);
}

static void on_totals(const char *city, const char *group, const char *kind, const char *json,
                      void *data)
{
    struct api_stream *stream = data;
    struct client *client, *next;
    if (kind != NULL)
        return;
    for (client = LIST_FIRST(&stream->clients); client != NULL; client = next) {
        next = LIST_NEXT(client, link);
        if (((city == NULL) == (client->city == NULL)) &&
            (city == NULL || strcmp(city, client->city) == 0) &&
            ((group == NULL) == (client->group == NULL)) &&
            (group == NULL || strcmp(group, client->group) == 0))
            send_event(client, "totals", json);
    }
}

/*
 * A named event, not a comment: a page's EventSource sees it, so a sign can
 * tell a quiet link from a dead one. It carries the city's time.
 */
static void on_ping(evutil_socket_t fd, short events, void *data)
{
    struct api_stream *stream = data;
    struct client *client, *next;
    char now[32], json[48];

    clock_format_local(clock_now_ms(), now);
    snprintf(json, sizeof(json), "{\"now\":\"%s\"}", now);
    for (client = LIST_FIRST(&stream->clients); client != NULL; client = next) {
        next = LIST_NEXT(client, link);
        send_event(client, "ping", json);
    }
}

/* PING_MS, or the test knob's value when it is a number of 10..PING_MS ms. */
static struct timeval ping_interval(void)
{
    const char *knob = getenv(PING_ENV);
    char *end = NULL;
    long ms = knob != NULL ? strtol(knob, &end, 10) : 0;

    if (knob == NULL || end == knob || *end != '\0' || ms < 10 || ms > PING_MS)
        ms = PING_MS;
    return (struct timeval){ms / 1000, (ms % 1000) * 1000};
}

static char *copy(const char *text)
{
    return text ? strdup(text) : NULL;
}

void api_stream_open(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    static const char *const known[] = {"city", "group", "lot"};
    struct api_stream *stream = ((struct endpoint_context *)data)->stream;
    const char *unknown = http_exchange_unknown_query(exchange, known, 3);
    const char *lot_id = http_exchange_query(exchange, "lot");
    struct client *client;
    const char *totals;

    /* Counted against max_streams from the start; an early answer gives the count back. */
    if (http_exchange_claim_stream(exchange) != 0)
        return;
    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           "unknown query parameter; expected city, group or lot");
        return;
    }
    if (lot_id != NULL && snapshot_find(stream->context->snapshot, lot_id) == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", lot_id);
        return;
    }
    client = endpoint_allocate(exchange, sizeof(*client));
    if (client == NULL) {
        return;
    }
    client->stream = stream;
    client->city = copy(http_exchange_query(exchange, "city"));
    client->group = copy(http_exchange_query(exchange, "group"));
    client->lot = copy(lot_id);
    totals = api_totals_follow(stream->totals_endpoint, client->city, client->group, NULL);
    client->following = totals != NULL;
    /* Proxies that buffer (nginx) pass each event on at once. */
    http_exchange_add_header(exchange, "X-Accel-Buffering", "no");
    client->stream_to =
        http_exchange_detach(exchange, "text/event-stream", stream->buffer_limit, on_close, client);
    if (client->stream_to == NULL) {
        client_free(client);
        return;
    }
    LIST_INSERT_HEAD(&stream->clients, client, link);
    /*
     * The current state first, so a sign shows something at once: in full,
     * however large; stream_buffer holds for what follows it.
     */
    if (send_text(client, "retry: 2000\n\n", 13) && send_all_lots(stream, client) &&
        (totals == NULL || send_event(client, "totals", totals)))
        http_stream_initial_state_sent(client->stream_to);
}

int api_stream_new(struct event_base *base, struct endpoint_context *context, size_t buffer_limit,
                   struct api_stream **out)
{
    struct api_stream *stream = calloc(1, sizeof(*stream));
    struct timeval interval = ping_interval();

    if (stream == NULL)
        return -1;
    *stream = (struct api_stream){.base = base,
                                  .context = context,
                                  .totals_endpoint = context->totals,
                                  .buffer_limit = buffer_limit,
                                  .closure_seen = snapshot_closure_serial(context->snapshot)};
    LIST_INIT(&stream->clients);
    stream->ping = event_new(base, -1, EV_PERSIST, on_ping, stream);
    if (stream->ping == NULL || event_add(stream->ping, &interval) != 0) {
        api_stream_free(stream);
        return -1;
    }
    api_totals_observe(context->totals, on_totals, stream);
    *out = stream;
    return 0;
}

size_t api_stream_client_count(const struct api_stream *stream)
{
    size_t count = 0;
    const struct client *client;

    LIST_FOREACH(client, &stream->clients, link)
    count++;
    return count;
}

void api_stream_close_all(struct api_stream *stream)
{
    while (stream != NULL && !LIST_EMPTY(&stream->clients)) {
        struct client *client = LIST_FIRST(&stream->clients);
        unlink_client(client);
        http_stream_end(client->stream_to);
        client_free(client);
    }
}

void api_stream_free(struct api_stream *stream)
{
    if (stream == NULL)
        return;
    api_stream_close_all(stream);
    if (stream->ping != NULL)
        event_free(stream->ping);
    free(stream);
}
