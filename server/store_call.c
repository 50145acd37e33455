/* store_call.c: one command or script on the command link: NOSCRIPT, READONLY, and WAIT. */
#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "store_private.h"

#include <hiredis/async.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char component[] = "store";

/*
 * A command in flight: whom to tell, and for scripts what to resend on
 * NOSCRIPT. A write followed by WAIT keeps a copy of its reply (hiredis
 * frees the original) until WAIT says how many replicas confirmed it.
 */
struct pending_command {
    struct store *store;
    store_reader reader;
    struct store_recipient recipient;
    enum store_script script;
    int argc;
    char **argv; /* owned copies, scripts only */
    size_t *lengths;
    struct timespec sent;  /* scripts: when first sent, for their latency */
    int outstanding;       /* hiredis callbacks still to come for it: freed at 0 */
    int waits_outstanding; /* WAITs sent after it and not answered yet */
    bool delivered;        /* the reader was called */
    redisReply *held;      /* the script's reply while its WAIT is outstanding */
    bool unconfirmed;      /* a write whose WAIT could not be sent: answers as unavailable */
};

static void pending_free(struct pending_command *pending)
{
    for (int i = 0; pending->argv != NULL && i < pending->argc; i++)
        free(pending->argv[i]);
    free(pending->argv);
    free(pending->lengths);
    if (pending->held != NULL)
        freeReplyObject(pending->held);
    free(pending);
}

/* One of its callbacks ran: the last one frees it. */
static void finish(struct pending_command *pending)
{
    if (--pending->outstanding == 0)
        pending_free(pending);
}

static bool is_error(const redisReply *reply, const char *code)
{
    return reply != NULL && reply->type == REDIS_REPLY_ERROR &&
           strncmp(reply->str, code, strlen(code)) == 0;
}

/*
 * Scripts named *_load or *_list only read; every other script writes, and
 * so is followed by WAIT when write_replicas asks for it. A new write
 * script gets the WAIT without a line of its own.
 */
static bool script_writes(enum store_script script)
{
    const char *name = store_script_names[script];
    size_t length = strlen(name);

    if (script == STORE_SCRIPT_NONE)
        return false;
    return !(length > 5 &&
             (strcmp(name + length - 5, "_load") == 0 || strcmp(name + length - 5, "_list") == 0));
}

/* A deep copy that freeReplyObject frees, or NULL when out of memory. */
static redisReply *copy_reply(const redisReply *reply)
{
    redisReply *copy = calloc(1, sizeof(*copy));

    if (copy == NULL)
        return NULL;
    copy->type = reply->type;
    copy->integer = reply->integer;
    if (reply->str != NULL) {
        copy->len = reply->len;
        copy->str = malloc(reply->len + 1);
        if (copy->str == NULL)
            goto free_copy;
        memcpy(copy->str, reply->str, reply->len + 1);
    }
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements > 0) {
        copy->element = calloc(reply->elements, sizeof(*copy->element));
        if (copy->element == NULL)
            goto free_copy;
        copy->elements = reply->elements;
        for (size_t i = 0; i < reply->elements; i++) {
            if ((copy->element[i] = copy_reply(reply->element[i])) == NULL)
                goto free_copy;
        }
    }
    return copy;

free_copy:
    freeReplyObject(copy);
    return NULL;
}

static int send_pending(struct pending_command *pending, const char **argv, const size_t *lengths);
static int send_wait(struct pending_command *pending);

/* Turn an EVALSHA into the EVAL of the script's text and send it again (and its WAIT). */
static int resend_as_eval(struct pending_command *pending)
{
    int result;

    free(pending->argv[0]);
    free(pending->argv[1]);
    pending->argv[0] = strdup("EVAL");
    pending->argv[1] = strdup(store_script_sources[pending->script]);
    if (pending->argv[0] == NULL || pending->argv[1] == NULL)
        return STORE_ERROR_NO_MEMORY;
    pending->lengths[0] = 4;
    pending->lengths[1] = strlen(pending->argv[1]);
    result = send_pending(pending, (const char **)pending->argv, pending->lengths);
    if (result == 0 && pending->waits_outstanding > 0 && send_wait(pending) != 0)
        pending->unconfirmed = true; /* the EVAL is on its way: it answers as unavailable */
    return result;
}

static void observe_script(const struct pending_command *pending)
{
    struct timespec now;
    struct metrics *metrics = store_metrics(pending->store);

    if (metrics != NULL && clock_gettime(CLOCK_MONOTONIC, &now) == 0)
        metrics_observe_script(metrics, (size_t)pending->script,
                               (double)(now.tv_sec - pending->sent.tv_sec) +
                                   (double)(now.tv_nsec - pending->sent.tv_nsec) / 1e9);
}

static void deliver(struct pending_command *pending, redisReply *reply)
{
    pending->delivered = true;
    pending->reader(reply, &pending->recipient);
}

/* What WAIT answered: enough replicas, or the write is reported as not replicated. */
static void on_wait_reply(redisAsyncContext *context, void *reply_pointer, void *data)
{
    struct pending_command *pending = data;
    redisReply *reply = reply_pointer;
    int64_t wanted = 0, timeout_ms = 0;

    (void)context;
    store_write_replicas(pending->store, &wanted, &timeout_ms);
    /* Only the last WAIT counts: an earlier one came before a NOSCRIPT resend. */
    if (--pending->waits_outstanding == 0 && !pending->delivered && !pending->unconfirmed) {
        if (reply != NULL && reply->type == REDIS_REPLY_INTEGER && reply->integer >= wanted) {
            deliver(pending, pending->held);
        } else {
            if (reply != NULL && reply->type == REDIS_REPLY_INTEGER) {
                log_warning(component,
                            "%s: %lld of %lld replicas confirmed the write within %lld ms",
                            store_script_names[pending->script], reply->integer, (long long)wanted,
                            (long long)timeout_ms);
                pending->recipient.not_replicated = true;
            } else if (reply != NULL) {
                log_error(component, "Redis refused WAIT: %s",
                          reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
            }
            deliver(pending, NULL);
        }
    }
    finish(pending);
}

/* A reply to hold until WAIT answers; errors and NULL go to the reader at once. */
static void hold_reply(struct pending_command *pending, redisReply *reply)
{
    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
        deliver(pending, reply);
        return;
    }
    pending->held = copy_reply(reply);
    if (pending->held == NULL) {
        log_error(component, "out of memory holding a reply for WAIT");
        deliver(pending, NULL);
    }
}

static void on_command_reply(redisAsyncContext *context, void *reply_pointer, void *data)
{
    struct pending_command *pending = data;
    redisReply *reply = reply_pointer;

    /* Redis lost its script cache (restart, SCRIPT FLUSH): EVAL caches it again. */
    if (pending->script != STORE_SCRIPT_NONE && is_error(reply, "NOSCRIPT") &&
        strcmp(pending->argv[0], "EVALSHA") == 0) {
        if (resend_as_eval(pending) == 0) {
            finish(pending);
            return;
        }
        reply = NULL;
    }
    /* The master became a replica (a failover): nothing was written; find the master. */
    if (is_error(reply, "READONLY")) {
        store_master_lost(pending->store, context, reply->str);
        reply = NULL;
    }
    if (pending->script != STORE_SCRIPT_NONE && reply != NULL)
        observe_script(pending);
    if (pending->unconfirmed)
        deliver(pending, NULL);
    else if (pending->waits_outstanding == 0)
        deliver(pending, reply);
    else
        hold_reply(pending, reply);
    finish(pending);
}

static int send_pending(struct pending_command *pending, const char **argv, const size_t *lengths)
{
    redisAsyncContext *context = store_command_context(pending->store);

    if (context == NULL)
        return STORE_ERROR_NOT_READY;
    if (redisAsyncCommandArgv(context, on_command_reply, pending, pending->argc, argv, lengths) !=
        REDIS_OK)
        return STORE_ERROR_NO_MEMORY;
    pending->outstanding++;
    return 0;
}

/*
 * WAIT right behind the write on the same link, so it covers exactly what
 * this link wrote so far. It blocks this link (not Redis) up to its timeout.
 */
static int send_wait(struct pending_command *pending)
{
    redisAsyncContext *context = store_command_context(pending->store);
    int64_t wanted = 0, timeout_ms = 0;

    store_write_replicas(pending->store, &wanted, &timeout_ms);
    if (context == NULL || redisAsyncCommand(context, on_wait_reply, pending, "WAIT %lld %lld",
                                             (long long)wanted, (long long)timeout_ms) != REDIS_OK)
        return STORE_ERROR_NO_MEMORY;
    pending->outstanding++;
    pending->waits_outstanding++;
    return 0;
}

static int copy_argument(struct pending_command *pending, int index, const char *value,
                         size_t length)
{
    pending->argv[index] = malloc(length + 1);
    if (pending->argv[index] == NULL)
        return -1;
    memcpy(pending->argv[index], value, length);
    pending->argv[index][length] = '\0';
    pending->lengths[index] = length;
    return 0;
}

/* EVALSHA sha key_count keys... arguments..., copied for a resend as EVAL. */
static int copy_script_call(struct pending_command *pending, const struct store_request *request)
{
    char key_count_text[16];
    int index = 0;

    pending->argc = 3 + request->keys.count + request->arguments.count;
    pending->argv = calloc((size_t)pending->argc, sizeof(char *));
    pending->lengths = calloc((size_t)pending->argc, sizeof(size_t));
    if (pending->argv == NULL || pending->lengths == NULL)
        return STORE_ERROR_NO_MEMORY;
    snprintf(key_count_text, sizeof(key_count_text), "%d", request->keys.count);
    if (copy_argument(pending, index++, "EVALSHA", 7) != 0 ||
        copy_argument(pending, index++, store_script_sha(pending->store, request->script), 40) !=
            0 ||
        copy_argument(pending, index++, key_count_text, strlen(key_count_text)) != 0)
        return STORE_ERROR_NO_MEMORY;
    for (int i = 0; i < request->keys.count; i++) {
        const char *key = request->keys.words[i];
        if (copy_argument(pending, index++, key, strlen(key)) != 0)
            return STORE_ERROR_NO_MEMORY;
    }
    for (int i = 0; i < request->arguments.count; i++) {
        const char *argument = request->arguments.words[i];
        if (copy_argument(pending, index++, argument, strlen(argument)) != 0)
            return STORE_ERROR_NO_MEMORY;
    }
    return 0;
}

/* Send a script, and its WAIT when it writes and write_replicas asks for one. */
static int send_script(struct pending_command *pending, const struct store_request *request)
{
    int64_t wanted = 0, timeout_ms = 0;
    int result = copy_script_call(pending, request);

    if (result == 0)
        result = send_pending(pending, (const char **)pending->argv, pending->lengths);
    if (result != 0)
        return result;
    store_write_replicas(pending->store, &wanted, &timeout_ms);
    if (wanted > 0 && script_writes(request->script) && send_wait(pending) != 0) {
        /* The script is on its way but cannot be confirmed: it answers as unavailable. */
        log_error(component, "cannot queue WAIT after %s", store_script_names[request->script]);
        pending->unconfirmed = true;
    }
    return 0;
}

int store_call(struct store *store, const struct store_request *request, store_reader reader,
               store_callback callback, void *data)
{
    struct pending_command *pending = calloc(1, sizeof(*pending));
    int result;

    if (pending == NULL)
        return STORE_ERROR_NO_MEMORY;
    pending->store = store;
    pending->reader = reader;
    pending->recipient.callback = callback;
    pending->recipient.data = data;
    snprintf(pending->recipient.id, sizeof(pending->recipient.id), "%s",
             request->id != NULL ? request->id : "");
    pending->script = request->script;
    clock_gettime(CLOCK_MONOTONIC, &pending->sent);
    if (request->script == STORE_SCRIPT_NONE) {
        /* hiredis copies a plain command at once: nothing to keep. */
        pending->argc = request->arguments.count;
        result = send_pending(pending, request->arguments.words, NULL);
    } else {
        result = send_script(pending, request);
    }
    if (result != 0 && pending->outstanding == 0)
        pending_free(pending);
    return result;
}
