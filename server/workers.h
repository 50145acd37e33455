/* workers.h: `workers N`: event loops on threads of their own, on the owner's port, reading a view.
 */
#ifndef PARKSHARE_WORKERS_H
#define PARKSHARE_WORKERS_H

#include "api_metrics.h"
#include "api_totals.h"
#include "http.h"
#include "metrics.h"
#include "snapshot.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The loop in main.c (the owner) keeps everything it kept with one loop:
 * the store, the snapshot, the clock, streams and every handler. Each
 * worker runs an event loop on a thread of its own with a server on the
 * same port (SO_REUSEPORT) that answers GET and HEAD /v1/lots/{id}, and
 * /v1/totals and /v1/totals.txt for the selections the owner keeps, from
 * the view the owner publishes after every change, and gives every other
 * connection, at its first other request, to the owner
 * (docs/architecture.md, "Workers").
 */
struct workers;

enum workers_error {
    WORKERS_ERROR_NO_MEMORY = -1,
    WORKERS_ERROR_LISTEN = -2,
    WORKERS_ERROR_THREAD = -3,
};

struct workers_options {
    size_t count;                    /* worker threads, besides the owner's loop */
    const struct http_options *http; /* the owner's options: its shared_slots are shared */
    const char *host;                /* where the owner listens */
    struct event_base *owner_base;   /* borrowed */
    struct http_server *owner;       /* borrowed: takes the connections handed over */
    struct metrics *owner_metrics;   /* borrowed, may be NULL: the workers' counts join it */
    const struct snapshot *snapshot; /* borrowed: the view is built from it, on the owner */
};

/*
 * A new event loop as every loop of the daemon runs it (the epoll
 * changelist when it is the only loop: several_loops false);
 * one_thread_only for a worker's, which no other thread touches (no
 * locks), false for the owner's, which workers wake. NULL when libevent
 * cannot make one.
 */
struct event_base *workers_event_base_new(bool one_thread_only, bool several_loops);

/*
 * Start count workers on options->host and the owner's port. Returns 0
 * with *workers, or a negative enum workers_error with the reason in error
 * (nothing is left running).
 */
int workers_new(const struct workers_options *options, struct workers **workers, char *error,
                size_t error_size);

/*
 * The snapshot changed: lot id (NULL: any lot, its stale mark included).
 * On the owner's loop only. The view the workers read is published before
 * this returns, so an answer sent after it (a write's) is seen by the next
 * read on any worker.
 */
void workers_lots_changed(struct workers *workers, const char *id);

/*
 * api_metrics_gather's callback (workers as a void pointer): ask every
 * worker to hand its counts over, without waiting; done(cookie, missing)
 * is called on the owner's loop once all have (a worker whose loop has
 * ended counts as having answered), or after 250 ms with the workers still
 * missing, the counts that came added into the owner's registry. Several
 * scrapes may wait at once, each answered on its own. Returns 0, or -1
 * without memory (done is then never called).
 */
int workers_gather_metrics(void *workers, api_metrics_gathered done, void *cookie);

/*
 * api_totals_publish's callback (workers as a void pointer): a kept
 * selection's answers (NULL: evicted) reach the view now, before the owner
 * answers from them, so a worker answers /v1/totals and /v1/totals.txt with
 * exactly that query as the owner would; it hands every other totals read
 * (a selection not kept, a long poll, an unknown parameter) over.
 */
void workers_totals_published(const char *city, const char *group, const char *kind,
                              const char *space, const struct api_totals_answers *answers,
                              void *data);

/* Stop accepting on every worker; their new requests are answered 503. */
void workers_begin_shutdown(struct workers *workers);

/* Stop every worker (their connections close), join them and free; accepts NULL. */
void workers_free(struct workers *workers);

#endif
