/* store.c: the Redis link: hiredis async on libevent, reconnect, health. */
#include "store.h"

#include "log.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKOFF_FIRST_MS   25
#define BACKOFF_MAX_MS     500
#define HEALTH_INTERVAL_MS 1000
#define PING_TIMEOUT_MS    3000
#define CONNECT_TIMEOUT_MS 2000

enum link_state {
    LINK_DOWN = 0,   /* waiting for the reconnect timer */
    LINK_CONNECTING, /* connect(2) in progress */
    LINK_HANDSHAKE,  /* AUTH, SELECT and the first PING sent */
    LINK_READY,
};

struct store {
    struct event_base *base;
    char *host, *socket_path, *username, *password;
    uint16_t port;
    int database;
    char target[300]; /* for messages: never holds the password */

    redisAsyncContext *context;
    enum link_state state;
    int backoff_ms;
    int64_t state_since_ms;
    int64_t ping_sent_ms; /* 0 when no health PING is outstanding */
    bool reported_unreachable;
    int64_t unreachable_since_ms; /* 0 while the link is ready */
    struct event *reconnect_timer;
    struct event *health_timer;

    store_ready_callback on_ready;
    void *on_ready_data;
};

static const char component[] = "store";

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void set_state(struct store *store, enum link_state state)
{
    bool was_ready = store->state == LINK_READY;
    store->state = state;
    store->state_since_ms = monotonic_ms();
    if (was_ready != (state == LINK_READY) && store->on_ready != NULL)
        store->on_ready(state == LINK_READY, store->on_ready_data);
}

static void schedule_reconnect(struct store *store)
{
    struct timeval delay = {0, store->backoff_ms * 1000};
    set_state(store, LINK_DOWN);
    evtimer_add(store->reconnect_timer, &delay);
    store->backoff_ms =
        store->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : store->backoff_ms * 2;
}

/*
 * An outage gets one warning once it has lasted a second: a Redis that is
 * just starting (the embedded child) or restarting is not worth one, and
 * the retries that follow are debug noise.
 */
static void report_unreachable(struct store *store, const char *reason)
{
    int64_t now = monotonic_ms();
    if (store->unreachable_since_ms == 0)
        store->unreachable_since_ms = now;
    if (!store->reported_unreachable && now - store->unreachable_since_ms >= 1000) {
        log_warning(component, "cannot reach Redis at %s: %s; retrying", store->target, reason);
        store->reported_unreachable = true;
    } else {
        log_debug(component, "cannot reach Redis at %s: %s", store->target, reason);
    }
}

/* Drop the current link on purpose; hiredis answers pending commands with NULL. */
static void drop_link(struct store *store, const char *reason)
{
    redisAsyncContext *context = store->context;
    log_warning(component, "dropping the Redis link: %s", reason);
    store->context = NULL;
    store->ping_sent_ms = 0;
    if (context != NULL)
        redisAsyncFree(context);
    schedule_reconnect(store);
}

static void on_health_pong(redisAsyncContext *context, void *reply_pointer, void *data)
{
    struct store *store = context->data;
    redisReply *reply = reply_pointer;

    if (reply == NULL || store == NULL || context != store->context)
        return; /* the link broke; on_disconnect takes it from here */
    store->ping_sent_ms = 0;
    if (reply->type == REDIS_REPLY_ERROR)
        log_warning(component, "Redis answered PING with: %s", reply->str);
}

static void on_handshake_reply(redisAsyncContext *context, void *reply_pointer, void *step)
{
    struct store *store = context->data;
    redisReply *reply = reply_pointer;

    if (reply == NULL || store == NULL || context != store->context)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        /* The error text is Redis' own (WRONGPASS, NOAUTH, ...): no secret in it. */
        log_error(component, "Redis refused %s: %s", (const char *)step, reply->str);
        redisAsyncDisconnect(context);
        return;
    }
    if (strcmp(step, "PING") == 0) {
        store->backoff_ms = BACKOFF_FIRST_MS;
        store->reported_unreachable = false;
        store->unreachable_since_ms = 0;
        log_info(component, "Redis link ready (%s)", store->target);
        set_state(store, LINK_READY);
    }
}

static void send_handshake(struct store *store)
{
    redisAsyncContext *context = store->context;
    int sent = REDIS_OK;

    if (store->password != NULL && store->username != NULL)
        sent = redisAsyncCommand(context, on_handshake_reply, "AUTH", "AUTH %s %s", store->username,
                                 store->password);
    else if (store->password != NULL)
        sent = redisAsyncCommand(context, on_handshake_reply, "AUTH", "AUTH %s", store->password);
    if (sent == REDIS_OK && store->database != 0)
        sent =
            redisAsyncCommand(context, on_handshake_reply, "SELECT", "SELECT %d", store->database);
    if (sent == REDIS_OK)
        sent = redisAsyncCommand(context, on_handshake_reply, "PING", "PING");
    if (sent != REDIS_OK)
        drop_link(store, "cannot queue the handshake");
}

static void on_connect(const redisAsyncContext *context, int status)
{
    struct store *store = context->data;

    if (store == NULL || context != store->context)
        return;
    if (status != REDIS_OK) {
        /* hiredis frees the context after this callback. */
        report_unreachable(store, context->errstr);
        store->context = NULL;
        schedule_reconnect(store);
        return;
    }
    set_state(store, LINK_HANDSHAKE);
    send_handshake(store);
}

static void on_disconnect(const redisAsyncContext *context, int status)
{
    struct store *store = context->data;

    if (store == NULL || context != store->context)
        return;
    store->context = NULL;
    store->ping_sent_ms = 0;
    if (store->state == LINK_READY)
        log_warning(component, "lost the Redis link (%s)",
                    status == REDIS_OK ? "closed" : context->errstr);
    schedule_reconnect(store);
}

static void connect_now(struct store *store)
{
    redisAsyncContext *context;

    if (store->socket_path != NULL)
        context = redisAsyncConnectUnix(store->socket_path);
    else
        context = redisAsyncConnect(store->host, store->port);
    if (context == NULL) {
        report_unreachable(store, "out of memory");
        schedule_reconnect(store);
        return;
    }
    if (context->err) {
        report_unreachable(store, context->errstr);
        redisAsyncFree(context);
        schedule_reconnect(store);
        return;
    }
    context->data = store;
    store->context = context;
    if (redisLibeventAttach(context, store->base) != REDIS_OK) {
        drop_link(store, "cannot attach to the event loop");
        return;
    }
    redisAsyncSetConnectCallback(context, on_connect);
    redisAsyncSetDisconnectCallback(context, on_disconnect);
    set_state(store, LINK_CONNECTING);
}

static void on_reconnect_timer(evutil_socket_t fd, short events, void *data)
{
    connect_now(data);
}

/* Once a second: time out a hanging connect or PING, and send the next PING. */
static void on_health_timer(evutil_socket_t fd, short events, void *data)
{
    struct store *store = data;
    int64_t now = monotonic_ms();

    if (store->state == LINK_CONNECTING && now - store->state_since_ms > CONNECT_TIMEOUT_MS) {
        report_unreachable(store, "connect timed out");
        drop_link(store, "connect timed out");
        return;
    }
    if (store->state != LINK_READY && store->state != LINK_HANDSHAKE)
        return;
    if (store->state == LINK_HANDSHAKE && now - store->state_since_ms > PING_TIMEOUT_MS) {
        drop_link(store, "no answer to the handshake within 3 s");
        return;
    }
    if (store->ping_sent_ms != 0) {
        if (now - store->ping_sent_ms > PING_TIMEOUT_MS)
            drop_link(store, "no answer to PING within 3 s");
        return;
    }
    if (store->state == LINK_READY &&
        redisAsyncCommand(store->context, on_health_pong, NULL, "PING") == REDIS_OK)
        store->ping_sent_ms = now;
}

static char *copy_optional(const char *text, bool *failed)
{
    char *copy;
    if (text == NULL)
        return NULL;
    copy = strdup(text);
    if (copy == NULL)
        *failed = true;
    return copy;
}

int store_new(struct event_base *base, const struct store_options *options,
              store_ready_callback on_ready, void *data, struct store **out)
{
    struct store *store = calloc(1, sizeof(*store));
    struct timeval health_interval = {HEALTH_INTERVAL_MS / 1000, 0};
    bool failed = false;

    if (store == NULL)
        return STORE_ERROR_NO_MEMORY;
    store->base = base;
    store->host = copy_optional(options->host, &failed);
    store->socket_path = copy_optional(options->socket_path, &failed);
    store->username = copy_optional(options->username, &failed);
    store->password = copy_optional(options->password, &failed);
    store->port = options->port;
    store->database = options->database;
    store->backoff_ms = BACKOFF_FIRST_MS;
    store->on_ready = on_ready;
    store->on_ready_data = data;
    if (options->socket_path != NULL)
        snprintf(store->target, sizeof(store->target), "unix:%s db %d", options->socket_path,
                 options->database);
    else
        snprintf(store->target, sizeof(store->target), "%s:%u db %d", options->host,
                 (unsigned)options->port, options->database);
    store->reconnect_timer = evtimer_new(base, on_reconnect_timer, store);
    store->health_timer = event_new(base, -1, EV_PERSIST, on_health_timer, store);
    if (failed || store->reconnect_timer == NULL || store->health_timer == NULL ||
        event_add(store->health_timer, &health_interval) != 0) {
        store_free(store);
        return STORE_ERROR_NO_MEMORY;
    }
    connect_now(store);
    *out = store;
    return 0;
}

bool store_is_ready(const struct store *store)
{
    return store->state == LINK_READY;
}

void store_free(struct store *store)
{
    if (store == NULL)
        return;
    store->on_ready = NULL;
    if (store->context != NULL) {
        redisAsyncContext *context = store->context;
        /* Detach first: the callbacks hiredis runs while freeing must not
         * schedule a reconnect on a store that is going away. */
        context->data = NULL;
        store->context = NULL;
        redisAsyncFree(context);
    }
    if (store->reconnect_timer != NULL)
        event_free(store->reconnect_timer);
    if (store->health_timer != NULL)
        event_free(store->health_timer);
    free(store->host);
    free(store->socket_path);
    free(store->username);
    if (store->password != NULL)
        explicit_bzero(store->password, strlen(store->password));
    free(store->password);
    free(store);
}
