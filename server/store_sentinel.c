/* store_sentinel.c: finding the Redis master through Sentinel, and following its failovers. */
#include "store_sentinel.h"

#include "log.h"
#include "sentinel.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ANSWER_TIMEOUT_MS 2000 /* connect and answer, per sentinel */
#define ROUND_RETRY_MS    500  /* after every sentinel failed in turn */

struct sentinel_host {
    char *host;
    uint16_t port;
};

struct store_sentinel {
    struct event_base *base;
    struct sentinel_host *sentinels;
    size_t count;
    size_t current;        /* the sentinel asked now, or next */
    size_t failed_in_turn; /* sentinels that failed in turn in this round */
    bool quiet;            /* a whole round failed: the next failures are debug noise */
    char *master_name;
    redisAsyncContext *context; /* NULL between connections */
    bool asking;                /* a question is outstanding on context */
    struct event *deadline;     /* the current sentinel's time to answer */
    struct event *retry_timer;  /* the next round, after a whole round failed */
    store_sentinel_master_callback on_master;
    void *data;
};

static const char component[] = "store";

static void connect_current(struct store_sentinel *sentinel);

/* Close the current connection; hiredis answers its callbacks with NULL, which they ignore. */
static void close_context(struct store_sentinel *sentinel)
{
    redisAsyncContext *context = sentinel->context;

    sentinel->context = NULL;
    event_del(sentinel->deadline);
    if (context != NULL) {
        context->data = NULL; /* its callbacks, run while freeing, find no sentinel */
        redisAsyncFree(context);
    }
}

/* The current sentinel failed: ask the next one now, or after a pause once all have failed. */
static void move_on(struct store_sentinel *sentinel, const char *reason)
{
    const struct sentinel_host *failed = &sentinel->sentinels[sentinel->current];
    struct timeval pause = {0, ROUND_RETRY_MS * 1000};

    if (sentinel->quiet)
        log_debug(component, "Sentinel %s:%u: %s", failed->host, (unsigned)failed->port, reason);
    else
        log_warning(component, "Sentinel %s:%u: %s", failed->host, (unsigned)failed->port, reason);
    close_context(sentinel);
    sentinel->current = (sentinel->current + 1) % sentinel->count;
    sentinel->asking = true; /* a broken subscription asks again on the next sentinel */
    if (++sentinel->failed_in_turn < sentinel->count) {
        connect_current(sentinel);
        return;
    }
    if (!sentinel->quiet)
        log_warning(component, "no sentinel named the master '%s'; asking again every %d ms",
                    sentinel->master_name, ROUND_RETRY_MS);
    sentinel->quiet = true;
    sentinel->failed_in_turn = 0;
    evtimer_add(sentinel->retry_timer, &pause);
}

static struct store_sentinel *sentinel_of(const redisAsyncContext *context)
{
    struct store_sentinel *sentinel = context->data;
    return sentinel != NULL && sentinel->context == context ? sentinel : NULL;
}

/* The answer to SENTINEL get-master-addr-by-name: [ip, port], or nil for an unknown master. */
static void on_address(redisAsyncContext *context, void *reply_pointer, void *unused)
{
    struct store_sentinel *sentinel = sentinel_of(context);
    redisReply *reply = reply_pointer;
    uint16_t port;

    (void)unused;
    if (sentinel == NULL || reply == NULL)
        return; /* closed: whoever closed it moves on */
    if (reply->type == REDIS_REPLY_NIL) {
        move_on(sentinel, "does not know the master");
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        reply->element[1]->type != REDIS_REPLY_STRING ||
        sentinel_parse_address(reply->element[0]->str, reply->element[0]->len,
                               reply->element[1]->str, &port) != 0) {
        move_on(sentinel, reply->type == REDIS_REPLY_ERROR ? reply->str
                                                           : "answered no address for the master");
        return;
    }
    event_del(sentinel->deadline);
    sentinel->asking = false;
    sentinel->failed_in_turn = 0;
    sentinel->quiet = false;
    sentinel->on_master(reply->element[0]->str, port, sentinel->data);
}

/* +switch-master: "<name> <old ip> <old port> <new ip> <new port>". */
static void on_switch(redisAsyncContext *context, void *reply_pointer, void *unused)
{
    struct store_sentinel *sentinel = sentinel_of(context);
    redisReply *reply = reply_pointer;
    redisReply *text;
    char host[SENTINEL_HOST_MAX + 1];
    uint16_t port;

    (void)unused;
    if (sentinel == NULL || reply == NULL)
        return;
    if (reply->type == REDIS_REPLY_ERROR) {
        move_on(sentinel, reply->str);
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        strcmp(reply->element[0]->str, "message") != 0)
        return; /* the subscription's confirmation */
    text = reply->element[2];
    if (text->type != REDIS_REPLY_STRING ||
        sentinel_parse_switch(text->str, text->len, sentinel->master_name, host, &port) != 0)
        return;
    log_warning(component, "Sentinel: master '%s' failed over to %s:%u", sentinel->master_name,
                host, (unsigned)port);
    sentinel->on_master(host, port, sentinel->data);
}

static void on_connect(const redisAsyncContext *context, int status)
{
    struct store_sentinel *sentinel = sentinel_of(context);

    if (sentinel == NULL || status == REDIS_OK)
        return;
    /* hiredis frees the context after this callback. */
    sentinel->context = NULL;
    move_on(sentinel, context->errstr);
}

static void on_disconnect(const redisAsyncContext *context, int status)
{
    struct store_sentinel *sentinel = sentinel_of(context);

    (void)status;
    if (sentinel == NULL)
        return;
    sentinel->context = NULL;
    move_on(sentinel, "closed the connection");
}

/* Connect to the current sentinel; the question and the subscription wait in hiredis' buffer. */
static void connect_current(struct store_sentinel *sentinel)
{
    const struct sentinel_host *target = &sentinel->sentinels[sentinel->current];
    struct timeval timeout = {ANSWER_TIMEOUT_MS / 1000, (ANSWER_TIMEOUT_MS % 1000) * 1000};
    redisAsyncContext *context = redisAsyncConnect(target->host, target->port);
    int sent;

    if (context == NULL || context->err) {
        const char *reason = context != NULL ? context->errstr : "out of memory";
        if (context != NULL)
            redisAsyncFree(context);
        move_on(sentinel, reason);
        return;
    }
    context->data = sentinel;
    sentinel->context = context;
    if (redisLibeventAttach(context, sentinel->base) != REDIS_OK) {
        move_on(sentinel, "cannot attach to the event loop");
        return;
    }
    redisAsyncSetConnectCallback(context, on_connect);
    redisAsyncSetDisconnectCallback(context, on_disconnect);
    sent = redisAsyncCommand(context, on_address, NULL, "SENTINEL get-master-addr-by-name %s",
                             sentinel->master_name);
    if (sent == REDIS_OK)
        sent = redisAsyncCommand(context, on_switch, NULL, "SUBSCRIBE +switch-master");
    if (sent != REDIS_OK) {
        move_on(sentinel, "cannot queue the question");
        return;
    }
    evtimer_add(sentinel->deadline, &timeout);
}

static void on_deadline(evutil_socket_t fd, short events, void *data)
{
    (void)fd;
    (void)events;
    move_on(data, "no answer within 2 s");
}

static void on_retry(evutil_socket_t fd, short events, void *data)
{
    struct store_sentinel *sentinel = data;

    (void)fd;
    (void)events;
    if (sentinel->context == NULL)
        connect_current(sentinel);
}

void store_sentinel_ask(struct store_sentinel *sentinel)
{
    if (sentinel->asking)
        return; /* an answer, or the next attempt, is on its way */
    sentinel->asking = true;
    sentinel->failed_in_turn = 0;
    /* A subscribed connection takes no question: ask on a new one. */
    close_context(sentinel);
    connect_current(sentinel);
}

int store_sentinel_new(struct event_base *base, const struct store_sentinel_host *addresses,
                       size_t count, const char *master_name,
                       store_sentinel_master_callback on_master, void *data,
                       struct store_sentinel **out)
{
    struct store_sentinel *sentinel;

    *out = NULL;
    if (count == 0)
        return STORE_SENTINEL_ERROR_NO_SENTINEL;
    sentinel = calloc(1, sizeof(*sentinel));
    if (sentinel == NULL)
        return STORE_SENTINEL_ERROR_NO_MEMORY;
    sentinel->base = base;
    sentinel->on_master = on_master;
    sentinel->data = data;
    sentinel->sentinels = calloc(count, sizeof(*sentinel->sentinels));
    sentinel->master_name = strdup(master_name);
    sentinel->deadline = evtimer_new(base, on_deadline, sentinel);
    sentinel->retry_timer = evtimer_new(base, on_retry, sentinel);
    if (sentinel->sentinels == NULL || sentinel->master_name == NULL ||
        sentinel->deadline == NULL || sentinel->retry_timer == NULL)
        goto free_sentinel;
    for (; sentinel->count < count; sentinel->count++) {
        struct sentinel_host *host = &sentinel->sentinels[sentinel->count];
        host->port = addresses[sentinel->count].port;
        if ((host->host = strdup(addresses[sentinel->count].host)) == NULL)
            goto free_sentinel;
    }
    *out = sentinel;
    return 0;

free_sentinel:
    store_sentinel_free(sentinel);
    return STORE_SENTINEL_ERROR_NO_MEMORY;
}

const char *store_sentinel_master_name(const struct store_sentinel *sentinel)
{
    return sentinel->master_name;
}

void store_sentinel_free(struct store_sentinel *sentinel)
{
    if (sentinel == NULL)
        return;
    if (sentinel->deadline != NULL) {
        close_context(sentinel);
        event_free(sentinel->deadline);
    }
    if (sentinel->retry_timer != NULL)
        event_free(sentinel->retry_timer);
    for (size_t i = 0; i < sentinel->count; i++)
        free(sentinel->sentinels[i].host);
    free(sentinel->sentinels);
    free(sentinel->master_name);
    free(sentinel);
}
