/* workers_private.h: the workers' state, shared by workers.c and worker_reads.c. */
#ifndef PARKSHARE_WORKERS_PRIVATE_H
#define PARKSHARE_WORKERS_PRIVATE_H

#include "api_metrics.h"
#include "http.h"
#include "http_connection.h"
#include "list_answer.h"
#include "list_cache.h"
#include "lot_query.h"
#include "lot_view.h"
#include "metrics.h"
#include "snapshot.h"
#include "view_publisher.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* What the owner asks of a worker, as bits, with a wake-up on its eventfd. */
enum worker_command {
    COMMAND_SHUT_DOWN = 1 << 0, /* stop accepting; answer new requests 503 */
    COMMAND_EXIT = 1 << 1,      /* leave the loop */
    COMMAND_FOLD = 1 << 2,      /* hand the counts over now: /metrics is being read */
};

/* How long a scrape of /metrics waits for the workers' counts at most. */
#define GATHER_WAIT_MS 250

/* A connection on its way from a worker to the owner, with the bytes read so far. */
struct handover_item {
    struct handover_item *next;
    struct http_handover handover;
    char bytes[];
};

/* The list parameters a query may name, each at most once (lot_query_parameters). */
#define WORKER_LIST_MAX_PAIRS 11

/* A list read between its decision and its handler, on one worker's thread. */
struct worker_list_request {
    enum list_answer_format format;
    struct lot_query query; /* its texts point into text */
    char text[1024];        /* the query string, split and decoded */
    const char *names[WORKER_LIST_MAX_PAIRS], *values[WORKER_LIST_MAX_PAIRS];
    size_t pairs;
    const struct lot_view *view; /* held in the reader's epoch until the handler; else NULL */
};

/* What a worker keeps of its list answers: fewer than the owner, one set per worker. */
#define WORKER_LIST_CACHE_ENTRIES 32
#define WORKER_LIST_CACHE_BYTES   (2u << 20)

struct worker {
    struct workers *workers;
    size_t number; /* 1.. (the owner's loop is 0) */
    pthread_t thread;
    bool started;
    struct event_base *base;
    struct http_server *server;
    int wake_fd; /* eventfd: the owner's commands */
    struct event *wake;
    _Atomic unsigned commands;
    struct event *flush; /* hands pending over to the owner, one loop iteration later */
    struct handover_item *pending, **pending_tail; /* this thread's alone */
    struct metrics *counting;                      /* this thread's alone */
    struct metrics *folded; /* under metrics_lock: counts on their way to the owner */
    pthread_mutex_t metrics_lock;
    bool metrics_lock_ready;
    uint64_t answered, handed_over; /* this thread's alone, for the last log line */
    /* Between the decision to answer a totals read and its handler: the answer found, inside
     * the reader's epoch (this thread's alone; NULL otherwise). */
    const struct rendered_answer *held;
    int64_t held_stale_since;
    struct worker_list_request list; /* this thread's alone */
    struct list_cache *lists;        /* this thread's alone: list answers per view version */
    _Atomic uint64_t gathered;       /* the newest scrape answered, or GATHER_ROUNDS_GONE */
};

/* A scrape of /metrics waiting for the workers' counts, on the owner's loop. */
struct gather_wait {
    struct workers *workers;
    uint64_t serial;
    struct event *timer; /* the most it waits */
    api_metrics_gathered done;
    void *cookie;
};

struct workers {
    size_t count;
    struct worker *workers;
    struct view_publisher *publisher;
    struct http_slots *slots; /* borrowed: the owner's options.shared_slots */
    struct event_base *owner_base;
    struct http_server *owner;
    struct metrics *owner_metrics;
    const struct snapshot *snapshot;
    pthread_mutex_t queue_lock; /* the hand-over queue: taken once per connection handed over */
    struct handover_item *queue, **queue_tail;
    int queue_fd; /* eventfd: the owner's loop wakes for the queue */
    struct event *queue_event;
    struct event *reclaim_timer;    /* armed while a reader holds an old view back */
    struct gather_rounds *rounds;   /* the owner's: scrapes waiting for counts */
    _Atomic uint64_t gather_serial; /* the newest scrape's: a worker answers up to it */
    int gathered_fd;                /* eventfd: a worker has handed its counts over */
    struct event *gathered_event;
    /* The lot index for lists (worker_lists.c): when the last one was built and how long it
     * took (monotonic ms), and the timer for a build the pace put off. */
    int64_t index_built_at_ms, index_build_ms;
    struct event *index_timer;
};

/* Free the old views no reader holds; try again shortly while one still does (owner only). */
void workers_reclaim(struct workers *workers);

/* The reads a worker answers (worker_reads.c); data is the struct worker. */
void worker_reads_lot(struct http_exchange *exchange, void *data);
void worker_reads_totals_json(struct http_exchange *exchange, void *data);
void worker_reads_totals_text(struct http_exchange *exchange, void *data);

/* Lists on workers (worker_lists.c): the owner's side. */
int worker_lists_prepare(struct workers *workers);
void worker_lists_deinit(struct workers *workers);

/* Before the view is updated for a change: a new lot index offered when the layout moved. */
void worker_lists_before_update(struct workers *workers);

/*
 * A worker's side: whether it answers a list read (path, raw query of
 * length bytes) itself; then the view stays held, inside the reader's
 * epoch, for worker_reads_list, which answers it.
 */
bool worker_lists_decide(struct worker *worker, const char *path, const char *query, size_t length);
void worker_reads_list(struct http_exchange *exchange, void *data);

/* http_server_decide's callback: see worker_reads.c. */
bool worker_reads_decide(const char *path, const char *query, size_t length, void *data);

#endif
