/* store.c: the Redis links: hiredis async on libevent, reconnect, health, pub/sub. */
#include "store.h"

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "redact.h"
#include "store_private.h"
#include "store_sentinel.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <stdint.h>
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
    LINK_HANDSHAKE,  /* AUTH, SELECT, SCRIPT LOAD or SUBSCRIBE sent */
    LINK_READY,
};

/*
 * Two links: commands, and the change subscription (a subscribed
 * connection takes no other command). The subscriber follows the command
 * link: it connects once commands work and drops when they stop, so one
 * watchdog (PING on the command link) serves both.
 */
struct link {
    struct store *store;
    const char *name; /* "command" or "subscriber", for messages */
    bool subscriber;
    redisAsyncContext *context;
    enum link_state state;
    int backoff_ms;
    int64_t state_since_ms;
    int64_t unreachable_since_ms; /* 0 while reachable */
    bool reported_unreachable;
    struct event *reconnect_timer;
};

struct store {
    struct event_base *base;
    char *host, *socket_path, *username, *password;
    uint16_t port;
    int database;
    int64_t idempotency_ttl_seconds;
    int64_t audit_max_length;
    int64_t history_days;
    char target[300]; /* for messages: never holds the password */
    int64_t write_replicas, write_replica_timeout_ms;
    struct store_sentinel *sentinel; /* sentinel mode, else NULL */
    bool master_known;               /* sentinel mode: host and port are the master's */
    char channel[64];

    struct link command;
    struct link subscriber;
    char script_sha[STORE_SCRIPT_COUNT][41];
    int64_t ping_sent_ms; /* 0 when no health PING is outstanding */
    struct event *health_timer;
    bool ready;
    bool command_was_ready;  /* the command link was ready once: readiness again is a reconnect */
    struct metrics *metrics; /* borrowed, may be NULL */

    store_ready_callback on_ready;
    store_change_callback on_change;
    void *callback_data;
};

static const char component[] = "store";

static void connect_link(struct link *link);
static void drop_link(struct link *link, const char *reason);

/* Recompute readiness from both links and tell the listener on a change. */
static void update_readiness(struct store *store)
{
    bool ready = store->command.state == LINK_READY && store->subscriber.state == LINK_READY;
    if (ready == store->ready)
        return;
    store->ready = ready;
    if (ready)
        log_info(component, "Redis ready (%s)", store->target);
    if (store->on_ready != NULL)
        store->on_ready(ready, store->callback_data);
}

static void set_state(struct link *link, enum link_state state)
{
    struct store *store = link->store;
    link->state = state;
    link->state_since_ms = clock_monotonic_ms();
    if (!link->subscriber) {
        if (state == LINK_READY && store->subscriber.state == LINK_DOWN &&
            store->subscriber.context == NULL)
            connect_link(&store->subscriber);
        else if (state != LINK_READY && store->subscriber.context != NULL)
            drop_link(&store->subscriber, "the command link is down");
    }
    update_readiness(store);
}

static void schedule_reconnect(struct link *link)
{
    struct timeval delay = {0, link->backoff_ms * 1000};
    set_state(link, LINK_DOWN);
    /* The master's link failed: the next attempt asks the sentinels where it is now. */
    if (!link->subscriber)
        link->store->master_known = false;
    /* The subscriber waits for the command link instead of retrying alone. */
    if (link->subscriber && link->store->command.state != LINK_READY)
        return;
    evtimer_add(link->reconnect_timer, &delay);
    link->backoff_ms =
        link->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : link->backoff_ms * 2;
}

/*
 * An outage gets one warning once it has lasted a second: a Redis that is
 * just starting (the embedded child) or restarting is not worth one, and
 * the retries that follow are debug noise.
 */
static void report_unreachable(struct link *link, const char *reason)
{
    int64_t now = clock_monotonic_ms();
    if (link->unreachable_since_ms == 0)
        link->unreachable_since_ms = now;
    if (!link->reported_unreachable && now - link->unreachable_since_ms >= 1000) {
        log_warning(component, "cannot reach Redis at %s: %s; retrying", link->store->target,
                    reason);
        link->reported_unreachable = true;
    } else {
        log_debug(component, "%s link: cannot reach Redis at %s: %s", link->name,
                  link->store->target, reason);
    }
}

/* Drop a link on purpose; hiredis answers its pending commands with NULL. */
static void drop_link(struct link *link, const char *reason)
{
    redisAsyncContext *context = link->context;
    if (link->state == LINK_READY || !link->subscriber)
        log_warning(component, "dropping the Redis %s link: %s", link->name, reason);
    link->context = NULL;
    if (!link->subscriber)
        link->store->ping_sent_ms = 0;
    if (context != NULL)
        redisAsyncFree(context);
    schedule_reconnect(link);
}

static void link_became_ready(struct link *link)
{
    link->backoff_ms = BACKOFF_FIRST_MS;
    link->reported_unreachable = false;
    link->unreachable_since_ms = 0;
    if (!link->subscriber && link->store->command_was_ready)
        metrics_count_reconnect(link->store->metrics);
    link->store->command_was_ready = link->store->command_was_ready || !link->subscriber;
    set_state(link, LINK_READY);
}

static void on_health_pong(redisAsyncContext *context, void *reply_pointer, void *data)
{
    struct store *store = context->data;
    redisReply *reply = reply_pointer;

    if (reply == NULL || store == NULL || context != store->command.context)
        return; /* the link broke; on_disconnect takes it from here */
    store->ping_sent_ms = 0;
    if (reply->type == REDIS_REPLY_ERROR)
        log_warning(component, "Redis answered PING with: %s", reply->str);
}

/* Handshake steps carry their name as privdata; SCRIPT LOAD carries the index. */
static void on_handshake_reply(redisAsyncContext *context, void *reply_pointer, void *step)
{
    struct store *store = context->data;
    redisReply *reply = reply_pointer;
    const char *name = step;

    if (reply == NULL || store == NULL || context != store->command.context)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        char said[512]; /* Redis' own text (WRONGPASS, NOAUTH), never with the password */
        redact_secret(reply->str, store->password, said, sizeof(said));
        log_error(component, "Redis refused %s: %s", name, said);
        redisAsyncDisconnect(context);
        return;
    }
    if (strcmp(name, "PING") == 0)
        link_became_ready(&store->command);
}

static void on_script_loaded(redisAsyncContext *context, void *reply_pointer, void *index_pointer)
{
    struct store *store = context->data;
    redisReply *reply = reply_pointer;
    size_t index = (size_t)(uintptr_t)index_pointer;

    if (reply == NULL || store == NULL || context != store->command.context)
        return;
    if (reply->type != REDIS_REPLY_STRING || reply->len != 40) {
        log_error(component, "Redis refused script %s: %s", store_script_names[index],
                  reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
        redisAsyncDisconnect(context);
        return;
    }
    memcpy(store->script_sha[index], reply->str, 40);
    store->script_sha[index][40] = '\0';
}

static int send_auth(struct link *link)
{
    struct store *store = link->store;
    redisCallbackFn *callback = link->subscriber ? NULL : on_handshake_reply;
    if (store->password != NULL && store->username != NULL)
        return redisAsyncCommand(link->context, callback, "AUTH", "AUTH %s %s", store->username,
                                 store->password);
    if (store->password != NULL)
        return redisAsyncCommand(link->context, callback, "AUTH", "AUTH %s", store->password);
    return REDIS_OK;
}

static void send_command_handshake(struct link *link)
{
    struct store *store = link->store;
    int sent = send_auth(link);

    if (sent == REDIS_OK && store->database != 0)
        sent = redisAsyncCommand(link->context, on_handshake_reply, "SELECT", "SELECT %d",
                                 store->database);
    for (size_t i = STORE_SCRIPT_NONE + 1; sent == REDIS_OK && i < STORE_SCRIPT_COUNT; i++)
        sent = redisAsyncCommand(link->context, on_script_loaded, (void *)(uintptr_t)i,
                                 "SCRIPT LOAD %s", store_script_sources[i]);
    if (sent == REDIS_OK)
        sent = redisAsyncCommand(link->context, on_handshake_reply, "PING", "PING");
    if (sent != REDIS_OK)
        drop_link(link, "cannot queue the handshake");
}

/* Every reply on the subscribed link: the confirmation, then messages. */
static void on_subscription(redisAsyncContext *context, void *reply_pointer, void *data)
{
    struct store *store = context->data;
    redisReply *reply = reply_pointer;
    const char *kind;

    if (reply == NULL || store == NULL || context != store->subscriber.context)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        log_error(component, "Redis refused SUBSCRIBE: %s", reply->str);
        redisAsyncDisconnect(context);
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING)
        return;
    kind = reply->element[0]->str;
    if (strcmp(kind, "subscribe") == 0) {
        link_became_ready(&store->subscriber);
    } else if (strcmp(kind, "message") == 0 && reply->element[2]->type == REDIS_REPLY_STRING &&
               store->on_change != NULL) {
        store->on_change(reply->element[2]->str, reply->element[2]->len, store->callback_data);
    }
}

static void send_subscriber_handshake(struct link *link)
{
    /* AUTH replies on this link are not awaited: an AUTH failure makes the
     * SUBSCRIBE that follows fail too, which on_subscription reports. */
    int sent = send_auth(link);
    if (sent == REDIS_OK)
        sent = redisAsyncCommand(link->context, on_subscription, NULL, "SUBSCRIBE %s",
                                 link->store->channel);
    if (sent != REDIS_OK)
        drop_link(link, "cannot queue SUBSCRIBE");
}

static struct link *link_of(const redisAsyncContext *context)
{
    struct store *store = context->data;
    if (store == NULL)
        return NULL;
    if (context == store->command.context)
        return &store->command;
    if (context == store->subscriber.context)
        return &store->subscriber;
    return NULL;
}

static void on_connect(const redisAsyncContext *context, int status)
{
    struct link *link = link_of(context);

    if (link == NULL)
        return;
    if (status != REDIS_OK) {
        /* hiredis frees the context after this callback. */
        report_unreachable(link, context->errstr);
        link->context = NULL;
        schedule_reconnect(link);
        return;
    }
    set_state(link, LINK_HANDSHAKE);
    if (link->subscriber)
        send_subscriber_handshake(link);
    else
        send_command_handshake(link);
}

static void on_disconnect(const redisAsyncContext *context, int status)
{
    struct link *link = link_of(context);

    if (link == NULL)
        return;
    link->context = NULL;
    if (!link->subscriber)
        link->store->ping_sent_ms = 0;
    if (link->state == LINK_READY)
        log_warning(component, "lost the Redis %s link (%s)", link->name,
                    status == REDIS_OK ? "closed" : context->errstr);
    schedule_reconnect(link);
}

static void connect_link(struct link *link)
{
    struct store *store = link->store;
    redisAsyncContext *context;

    if (!link->subscriber && store->sentinel != NULL && !store->master_known) {
        store_sentinel_ask(store->sentinel); /* its answer connects (on_sentinel_master) */
        return;
    }
    if (store->socket_path != NULL)
        context = redisAsyncConnectUnix(store->socket_path);
    else
        context = redisAsyncConnect(store->host, store->port);
    if (context == NULL || context->err) {
        report_unreachable(link, context ? context->errstr : "out of memory");
        if (context != NULL)
            redisAsyncFree(context);
        schedule_reconnect(link);
        return;
    }
    context->data = store;
    link->context = context;
    if (redisLibeventAttach(context, store->base) != REDIS_OK) {
        drop_link(link, "cannot attach to the event loop");
        return;
    }
    redisAsyncSetConnectCallback(context, on_connect);
    redisAsyncSetDisconnectCallback(context, on_disconnect);
    set_state(link, LINK_CONNECTING);
}

static void on_reconnect_timer(evutil_socket_t fd, short events, void *data)
{
    struct link *link = data;
    if (link->context == NULL)
        connect_link(link);
}

/* Time out a hanging connect or handshake of either link. */
static bool check_link_timeouts(struct link *link, int64_t now)
{
    if (link->state == LINK_CONNECTING && now - link->state_since_ms > CONNECT_TIMEOUT_MS) {
        report_unreachable(link, "connect timed out");
        drop_link(link, "connect timed out");
        return true;
    }
    if (link->state == LINK_HANDSHAKE && now - link->state_since_ms > PING_TIMEOUT_MS) {
        drop_link(link, "no answer to the handshake within 3 s");
        return true;
    }
    return false;
}

/* Once a second: time out what hangs, and PING the command link. */
static void on_health_timer(evutil_socket_t fd, short events, void *data)
{
    struct store *store = data;
    int64_t now = clock_monotonic_ms();

    check_link_timeouts(&store->subscriber, now);
    if (check_link_timeouts(&store->command, now) || store->command.state != LINK_READY)
        return;
    if (store->ping_sent_ms != 0) {
        /* A PING queues behind any WAIT on the link, which may take its whole timeout. */
        if (now - store->ping_sent_ms > PING_TIMEOUT_MS + store->write_replica_timeout_ms)
            drop_link(&store->command, "no answer to PING within 3 s");
        return;
    }
    if (redisAsyncCommand(store->command.context, on_health_pong, NULL, "PING") == REDIS_OK)
        store->ping_sent_ms = now;
}

/*
 * Sentinel named the master: connect to it, or move there when it is
 * elsewhere than the command link is (a failover). The subscriber follows.
 */
static void on_sentinel_master(const char *host, uint16_t port, void *data)
{
    struct store *store = data;
    bool moved = store->host == NULL || strcmp(store->host, host) != 0 || store->port != port;
    char *copy;

    if (moved) {
        if ((copy = strdup(host)) == NULL) {
            log_error(component, "out of memory");
            return;
        }
        free(store->host);
        store->host = copy;
        store->port = port;
        snprintf(store->target, sizeof(store->target), "%s:%u db %d (master '%s')", host,
                 (unsigned)port, store->database, store_sentinel_master_name(store->sentinel));
        log_info(component, "Sentinel names %s:%u as master '%s'", host, (unsigned)port,
                 store_sentinel_master_name(store->sentinel));
        if (store->command.context != NULL)
            drop_link(&store->command, "Sentinel moved the master");
    }
    store->master_known = true;
    if (store->command.context == NULL) {
        /* Moved: at once. The same address again: the backoff that led to asking stands. */
        evtimer_del(store->command.reconnect_timer);
        if (moved)
            store->command.backoff_ms = BACKOFF_FIRST_MS;
        connect_link(&store->command);
    }
}

void store_master_lost(struct store *store, const struct redisAsyncContext *context,
                       const char *reason)
{
    if (context != store->command.context)
        return;
    log_warning(component, "Redis at %s is no master now (%s)", store->target, reason);
    /* Freed after the current callback returns; the pending commands get NULL. */
    drop_link(&store->command, "the server became a replica");
}

redisAsyncContext *store_command_context(struct store *store)
{
    return store->command.state == LINK_READY ? store->command.context : NULL;
}

const char *store_script_sha(const struct store *store, enum store_script script)
{
    return store->script_sha[script];
}

struct metrics *store_metrics(const struct store *store)
{
    return store->metrics;
}

void store_write_replicas(const struct store *store, int64_t *replicas, int64_t *timeout_ms)
{
    *replicas = store->write_replicas;
    *timeout_ms = store->write_replica_timeout_ms;
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

static bool init_link(struct store *store, struct link *link, const char *name, bool subscriber)
{
    link->store = store;
    link->name = name;
    link->subscriber = subscriber;
    link->backoff_ms = BACKOFF_FIRST_MS;
    link->reconnect_timer = evtimer_new(store->base, on_reconnect_timer, link);
    return link->reconnect_timer != NULL;
}

int store_new(struct event_base *base, const struct store_options *options,
              store_ready_callback on_ready, store_change_callback on_change, void *data,
              struct store **out)
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
    store->idempotency_ttl_seconds = options->idempotency_ttl_seconds;
    store->audit_max_length = options->audit_max_length;
    store->write_replicas = options->write_replicas;
    store->write_replica_timeout_ms = options->write_replica_timeout_ms;
    store->history_days = options->history_days > 0 ? options->history_days : 400;
    store->on_ready = on_ready;
    store->on_change = on_change;
    store->callback_data = data;
    snprintf(store->channel, sizeof(store->channel), STORE_PREFIX "changes:%d", options->database);
    if (options->sentinel_count > 0)
        failed = failed || store_sentinel_new(base, options->sentinels, options->sentinel_count,
                                              options->master_name, on_sentinel_master, store,
                                              &store->sentinel) != 0;
    if (options->sentinel_count > 0)
        snprintf(store->target, sizeof(store->target), "master '%s' (asking Sentinel)",
                 options->master_name);
    else if (options->socket_path != NULL)
        snprintf(store->target, sizeof(store->target), "unix:%s db %d", options->socket_path,
                 options->database);
    else
        snprintf(store->target, sizeof(store->target), "%s:%u db %d", options->host,
                 (unsigned)options->port, options->database);
    store->health_timer = event_new(base, -1, EV_PERSIST, on_health_timer, store);
    if (failed || !init_link(store, &store->command, "command", false) ||
        !init_link(store, &store->subscriber, "subscriber", true) || store->health_timer == NULL ||
        event_add(store->health_timer, &health_interval) != 0) {
        store_free(store);
        return STORE_ERROR_NO_MEMORY;
    }
    connect_link(&store->command);
    *out = store;
    return 0;
}

bool store_is_ready(const struct store *store)
{
    return store->ready;
}

int store_set_metrics(struct store *store, struct metrics *metrics)
{
    store->metrics = metrics;
    return metrics_name_scripts(metrics, store_script_names, STORE_SCRIPT_COUNT);
}

const char *store_change_channel(const struct store *store)
{
    return store->channel;
}

int64_t store_idempotency_ttl(const struct store *store)
{
    return store->idempotency_ttl_seconds;
}

int64_t store_history_days(const struct store *store)
{
    return store->history_days;
}

int64_t store_audit_max_length(const struct store *store)
{
    return store->audit_max_length;
}

static void free_link(struct link *link)
{
    if (link->context != NULL) {
        redisAsyncContext *context = link->context;
        link->context = NULL;
        /* hiredis runs the pending callbacks with NULL while freeing; the
         * link no longer claims the context, so none of them reconnects. */
        redisAsyncFree(context);
    }
    if (link->reconnect_timer != NULL)
        event_free(link->reconnect_timer);
}

void store_free(struct store *store)
{
    if (store == NULL)
        return;
    store->on_ready = NULL;
    store->on_change = NULL;
    if (store->health_timer != NULL)
        event_free(store->health_timer);
    free_link(&store->subscriber);
    free_link(&store->command);
    store_sentinel_free(store->sentinel);
    free(store->host);
    free(store->socket_path);
    free(store->username);
    if (store->password != NULL)
        explicit_bzero(store->password, strlen(store->password));
    free(store->password);
    free(store);
}
