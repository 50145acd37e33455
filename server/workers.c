/* workers.c: worker threads: a loop and a server each, lot reads from the view, hand-overs. */
#include "workers.h"

#include "workers_private.h"

#include "gather_rounds.h"
#include "http_connection.h"
#include "http_slots.h"
#include "log.h"
#include "router.h"
#include "view_publisher.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static const char component[] = "workers";

/* While a reader holds an old view back, the owner tries to free it again after this. */
#define RECLAIM_RETRY_MS 10

static const struct timeval reclaim_retry = {0, RECLAIM_RETRY_MS * 1000};

static void wake(int fd)
{
    uint64_t one = 1;
    if (write(fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
        log_debug(component, "eventfd write: %s", strerror(errno));
}

static void drain_wake(int fd)
{
    uint64_t count;
    if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
        log_debug(component, "eventfd read: %s", strerror(errno));
}

/* --- hand-overs: worker to owner --- */

/* On a worker, a loop iteration after the hand-overs: queue the connections for the owner. */
static void on_flush(evutil_socket_t fd, short events, void *data)
{
    struct worker *worker = data;
    struct workers *workers = worker->workers;

    if (worker->pending == NULL)
        return;
    pthread_mutex_lock(&workers->queue_lock);
    *workers->queue_tail = worker->pending;
    workers->queue_tail = worker->pending_tail;
    pthread_mutex_unlock(&workers->queue_lock);
    worker->pending = NULL;
    worker->pending_tail = &worker->pending;
    wake(workers->queue_fd);
}

/*
 * On a worker: copy the connection's bytes and queue it for the owner one
 * loop iteration later, with every other connection handed over in that
 * iteration: one lock and one wake-up of the owner for all of them. (The
 * socket's events are removed at once: with several loops no loop defers
 * its epoll_ctl calls, see workers_event_base_new.)
 */
static void on_hand_over(const struct http_handover *handover, void *data)
{
    /* Not zero: a zero timeout would not wait for the next iteration's epoll_ctl calls. */
    static const struct timeval next_iteration = {0, 1};
    struct worker *worker = data;
    struct handover_item *item = malloc(sizeof(*item) + handover->length);

    if (item == NULL || (!evtimer_pending(worker->flush, NULL) &&
                         evtimer_add(worker->flush, &next_iteration) != 0)) {
        log_error(component, "no memory to hand a connection over; closing it");
        free(item);
        close(handover->fd);
        http_slots_close(worker->workers->slots, handover->slot);
        return;
    }
    item->next = NULL;
    item->handover = *handover;
    memcpy(item->bytes, handover->bytes, handover->length);
    item->handover.bytes = item->bytes;
    *worker->pending_tail = item;
    worker->pending_tail = &item->next;
    worker->handed_over++;
}

static struct handover_item *take_queue(struct workers *workers)
{
    struct handover_item *items;

    pthread_mutex_lock(&workers->queue_lock);
    items = workers->queue;
    workers->queue = NULL;
    workers->queue_tail = &workers->queue;
    pthread_mutex_unlock(&workers->queue_lock);
    return items;
}

/* On the owner: carry on each connection handed over, as if it had accepted it. */
static void on_queue(evutil_socket_t fd, short events, void *data)
{
    struct workers *workers = data;
    struct handover_item *item;

    drain_wake(workers->queue_fd);
    item = take_queue(workers);
    while (item != NULL) {
        struct handover_item *next = item->next;
        http_server_adopt(workers->owner, &item->handover);
        free(item);
        item = next;
    }
}

/* --- metrics: each worker counts alone; the owner adds the counts up --- */

static void fold_worker_counts(struct worker *worker)
{
    if (worker->counting == NULL)
        return;
    pthread_mutex_lock(&worker->metrics_lock);
    metrics_add_counts(worker->folded, worker->counting, true);
    pthread_mutex_unlock(&worker->metrics_lock);
}

/* On the owner: add the counts every worker has handed over into the owner's registry. */
static void add_worker_counts(struct workers *workers)
{

    for (size_t i = 0; workers->owner_metrics != NULL && i < workers->count; i++) {
        struct worker *worker = &workers->workers[i];
        if (worker->folded == NULL)
            continue;
        pthread_mutex_lock(&worker->metrics_lock);
        metrics_add_counts(workers->owner_metrics, worker->folded, true);
        pthread_mutex_unlock(&worker->metrics_lock);
    }
}

/* Free the old views no reader holds; try again shortly while one still does. */
void workers_reclaim(struct workers *workers)
{
    if (view_publisher_reclaim(workers->publisher) > 0 &&
        !evtimer_pending(workers->reclaim_timer, NULL) &&
        evtimer_add(workers->reclaim_timer, &reclaim_retry) != 0)
        log_error(component, "cannot arm the timer that frees old views");
}

static void on_reclaim_timer(evutil_socket_t fd, short events, void *data)
{
    workers_reclaim(data);
}

/* --- a worker's loop --- */

static void on_wake(evutil_socket_t fd, short events, void *data)
{
    struct worker *worker = data;
    unsigned commands = atomic_exchange(&worker->commands, 0);

    drain_wake(worker->wake_fd);
    if (commands & COMMAND_FOLD) {
        struct workers *workers = worker->workers;
        /* Read before the fold: every scrape up to this serial asked before the counts went. */
        uint64_t serial = atomic_load(&workers->gather_serial);
        fold_worker_counts(worker);
        atomic_store(&worker->gathered, serial);
        wake(workers->gathered_fd);
    }
    if (commands & COMMAND_SHUT_DOWN) {
        http_server_begin_shutdown(worker->server, NULL, NULL);
        log_info(component, "worker %zu: no new connections; new requests are answered 503",
                 worker->number);
    }
    if (commands & COMMAND_EXIT)
        event_base_loopexit(worker->base, NULL);
}

static void *run_worker(void *data)
{
    struct worker *worker = data;

    if (event_base_dispatch(worker->base) < 0)
        log_error(component, "worker %zu: the event loop failed", worker->number);
    /* Its connections close here, on its own thread; the slots they held are given back. */
    http_server_free(worker->server);
    worker->server = NULL;
    fold_worker_counts(worker);
    /* No scrape waits for this worker any more: its last counts are handed over. */
    atomic_store(&worker->gathered, GATHER_ROUNDS_GONE);
    wake(worker->workers->gathered_fd);
    log_info(component,
             "worker %zu stopped: answered %llu request(s), handed %llu connection(s) "
             "over",
             worker->number, (unsigned long long)worker->answered,
             (unsigned long long)worker->handed_over);
    return NULL;
}

struct event_base *workers_event_base_new(bool one_thread_only, bool several_loops)
{
    struct event_config *settings = event_config_new();
    struct event_base *base;

    if (settings == NULL)
        return NULL;
    /*
     * The epoll changelist folds the epoll_ctl calls of one loop iteration
     * into one, applied at the start of the next: it assumes that a
     * descriptor's number names the same socket until then. With several
     * loops, another thread may accept a socket under a number this loop
     * has just closed, and the late epoll_ctl would act on it (harmlessly,
     * on another loop's socket, but a race all the same), so only a loop
     * alone uses it. Our HTTP layer keeps a connection's read event for
     * good and arms a write event only when a socket is full, so a
     * keep-alive request makes no epoll_ctl call either way.
     */
    if (!several_loops)
        event_config_set_flag(settings, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    /* A worker's loop is touched by its own thread alone: no locks. */
    if (one_thread_only)
        event_config_set_flag(settings, EVENT_BASE_FLAG_NOLOCK);
    base = event_base_new_with_config(settings);
    event_config_free(settings);
    return base;
}

/* Everything a worker needs, made on the owner's thread before the worker's starts. */
static int worker_prepare(struct worker *worker, const struct workers_options *options, char *error,
                          size_t error_size)
{
    struct http_options http = *options->http;
    char bound[128];

    worker->metrics_lock_ready = pthread_mutex_init(&worker->metrics_lock, NULL) == 0;
    worker->base = workers_event_base_new(true, true);
    worker->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!worker->metrics_lock_ready || worker->base == NULL || worker->wake_fd < 0)
        goto no_memory;
    worker->counting =
        options->owner_metrics != NULL ? metrics_new_sibling(options->owner_metrics) : NULL;
    worker->folded =
        options->owner_metrics != NULL ? metrics_new_sibling(options->owner_metrics) : NULL;
    if (options->owner_metrics != NULL && (worker->counting == NULL || worker->folded == NULL))
        goto no_memory;
    http.metrics = worker->counting;
    worker->wake = event_new(worker->base, worker->wake_fd, EV_READ | EV_PERSIST, on_wake, worker);
    worker->flush = evtimer_new(worker->base, on_flush, worker);
    worker->lists = list_cache_new(WORKER_LIST_CACHE_ENTRIES, WORKER_LIST_CACHE_BYTES);
    if (worker->lists == NULL || worker->wake == NULL || worker->flush == NULL ||
        event_add(worker->wake, NULL) != 0 ||
        http_server_new(worker->base, &http, &worker->server) != 0 ||
        http_server_route(worker->server, ROUTER_GET, "/v1/lots/{id}", worker_reads_lot, worker) !=
            0 ||
        http_server_route(worker->server, ROUTER_GET, "/v1/lots", worker_reads_list, worker) != 0 ||
        http_server_route(worker->server, ROUTER_GET, "/v1/lots.geojson", worker_reads_list,
                          worker) != 0 ||
        http_server_route(worker->server, ROUTER_GET, "/v1/totals", worker_reads_totals_json,
                          worker) != 0 ||
        http_server_route(worker->server, ROUTER_GET, "/v1/totals.txt", worker_reads_totals_text,
                          worker) != 0)
        goto no_memory;
    http_server_hand_over(worker->server, on_hand_over, worker);
    http_server_decide(worker->server, worker_reads_decide, worker);
    if (http_server_listen(worker->server, options->host, http_server_port(options->owner), bound,
                           sizeof(bound), error, error_size) != 0)
        return WORKERS_ERROR_LISTEN;
    return 0;
no_memory:
    snprintf(error, error_size, "no memory for worker %zu", worker->number);
    return WORKERS_ERROR_NO_MEMORY;
}

static void worker_deinit(struct worker *worker)
{
    http_server_free(worker->server);
    if (worker->wake != NULL)
        event_free(worker->wake);
    if (worker->flush != NULL)
        event_free(worker->flush);
    if (worker->base != NULL)
        event_base_free(worker->base);
    if (worker->wake_fd >= 0)
        close(worker->wake_fd);
    metrics_free(worker->counting);
    metrics_free(worker->folded);
    list_cache_free(worker->lists);
    if (worker->metrics_lock_ready)
        pthread_mutex_destroy(&worker->metrics_lock);
}

/* Workers take no signal: the owner's loop handles SIGTERM, SIGINT and SIGHUP. */
static int start_threads(struct workers *workers, char *error, size_t error_size)
{
    sigset_t all, previous;
    int result = 0;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    for (size_t i = 0; i < workers->count && result == 0; i++) {
        struct worker *worker = &workers->workers[i];
        result = pthread_create(&worker->thread, NULL, run_worker, worker);
        worker->started = result == 0;
    }
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (result != 0) {
        snprintf(error, error_size, "cannot start a worker thread: %s", strerror(result));
        return WORKERS_ERROR_THREAD;
    }
    return 0;
}

static void on_gathered(evutil_socket_t fd, short events, void *data);

static int owner_prepare(struct workers *workers)
{
    workers->queue_tail = &workers->queue;
    workers->queue_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (workers->queue_fd < 0)
        return WORKERS_ERROR_NO_MEMORY;
    workers->queue_event =
        event_new(workers->owner_base, workers->queue_fd, EV_READ | EV_PERSIST, on_queue, workers);
    workers->reclaim_timer = evtimer_new(workers->owner_base, on_reclaim_timer, workers);
    workers->rounds = gather_rounds_new(workers->count);
    workers->gathered_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (workers->queue_event == NULL || workers->reclaim_timer == NULL || workers->rounds == NULL ||
        workers->gathered_fd < 0 || event_add(workers->queue_event, NULL) != 0)
        return WORKERS_ERROR_NO_MEMORY;
    workers->gathered_event = event_new(workers->owner_base, workers->gathered_fd,
                                        EV_READ | EV_PERSIST, on_gathered, workers);
    if (workers->gathered_event == NULL || event_add(workers->gathered_event, NULL) != 0 ||
        worker_lists_prepare(workers) != 0)
        return WORKERS_ERROR_NO_MEMORY;
    return 0;
}

int workers_new(const struct workers_options *options, struct workers **out, char *error,
                size_t error_size)
{
    struct workers *workers = calloc(1, sizeof(*workers));
    int result = WORKERS_ERROR_NO_MEMORY;

    if (workers == NULL) {
        snprintf(error, error_size, "no memory for the workers");
        return WORKERS_ERROR_NO_MEMORY;
    }
    *workers = (struct workers){.count = options->count,
                                .slots = options->http->shared_slots,
                                .owner_base = options->owner_base,
                                .owner = options->owner,
                                .owner_metrics = options->owner_metrics,
                                .snapshot = options->snapshot,
                                .queue_fd = -1,
                                .gathered_fd = -1};
    if (pthread_mutex_init(&workers->queue_lock, NULL) != 0) {
        free(workers);
        snprintf(error, error_size, "no memory for the workers");
        return WORKERS_ERROR_NO_MEMORY;
    }
    workers->workers = calloc(options->count, sizeof(*workers->workers));
    for (size_t i = 0; workers->workers != NULL && i < options->count; i++)
        workers->workers[i] = (struct worker){.workers = workers,
                                              .number = i + 1,
                                              .wake_fd = -1,
                                              .pending_tail = &workers->workers[i].pending};
    workers->publisher = view_publisher_new(options->count);
    if (workers->workers == NULL || workers->publisher == NULL || owner_prepare(workers) != 0) {
        snprintf(error, error_size, "no memory for the workers");
        goto fail;
    }
    /* The view first: a worker that accepts at once already answers as the owner would. */
    worker_lists_before_update(workers);
    view_publisher_update(workers->publisher, workers->snapshot, NULL);
    for (size_t i = 0; i < options->count; i++) {
        result = worker_prepare(&workers->workers[i], options, error, error_size);
        if (result != 0)
            goto fail;
    }
    result = start_threads(workers, error, error_size);
    if (result != 0)
        goto fail;
    *out = workers;
    return 0;
fail:
    workers_free(workers);
    return result;
}

void workers_lots_changed(struct workers *workers, const char *id)
{
    if (workers == NULL)
        return;
    worker_lists_before_update(workers);
    view_publisher_update(workers->publisher, workers->snapshot, id);
    workers_reclaim(workers);
}

static void command(struct worker *worker, unsigned bits)
{
    atomic_fetch_or(&worker->commands, bits);
    wake(worker->wake_fd);
}

/* On the owner: a round is over. Add what the workers handed over, then answer the scrape. */
static void round_closed(void *cookie, size_t missing, void *data)
{
    struct gather_wait *wait = cookie;

    add_worker_counts(data);
    event_free(wait->timer);
    wait->done(wait->cookie, missing);
    free(wait);
}

/* Read which scrape each worker answered last (their atomics) into the rounds. */
static void note_answers(struct workers *workers)
{
    for (size_t i = 0; i < workers->count; i++)
        gather_rounds_answered(workers->rounds, i, atomic_load(&workers->workers[i].gathered));
}

static void on_gathered(evutil_socket_t fd, short events, void *data)
{
    struct workers *workers = data;

    drain_wake(workers->gathered_fd);
    note_answers(workers);
    gather_rounds_settle(workers->rounds, round_closed, workers);
}

/* A scrape's time is over: it is answered with the counts that came. */
static void on_gather_timeout(evutil_socket_t fd, short events, void *data)
{
    struct gather_wait *wait = data;
    struct workers *workers = wait->workers;
    uint64_t serial = wait->serial;

    note_answers(workers);
    if (gather_rounds_expire(workers->rounds, serial, round_closed, workers))
        log_info(component, "a scrape of /metrics went without some workers' counts");
}

int workers_gather_metrics(void *data, api_metrics_gathered done, void *cookie)
{
    static const struct timeval most = {0, GATHER_WAIT_MS * 1000};
    struct workers *workers = data;
    struct gather_wait *wait = calloc(1, sizeof(*wait));

    if (wait == NULL)
        return -1;
    *wait = (struct gather_wait){workers, 0, NULL, done, cookie};
    wait->timer = evtimer_new(workers->owner_base, on_gather_timeout, wait);
    if (wait->timer == NULL || evtimer_add(wait->timer, &most) != 0 ||
        (wait->serial = gather_rounds_open(workers->rounds, wait)) == 0) {
        if (wait->timer != NULL)
            event_free(wait->timer);
        free(wait);
        return -1;
    }
    /* Stored before the commands: a worker woken by one answers at least this serial. */
    atomic_store(&workers->gather_serial, wait->serial);
    for (size_t i = 0; i < workers->count; i++)
        if (workers->workers[i].started)
            command(&workers->workers[i], COMMAND_FOLD);
    return 0;
}

void workers_begin_shutdown(struct workers *workers)
{
    for (size_t i = 0; workers != NULL && i < workers->count; i++)
        if (workers->workers[i].started)
            command(&workers->workers[i], COMMAND_SHUT_DOWN);
}

/* Connections handed over that the owner never took: closed, their counts given back. */
static void close_items(struct workers *workers, struct handover_item *item)
{
    while (item != NULL) {
        struct handover_item *next = item->next;
        close(item->handover.fd);
        http_slots_close(workers->slots, item->handover.slot);
        free(item);
        item = next;
    }
}

void workers_free(struct workers *workers)
{
    if (workers == NULL)
        return;
    for (size_t i = 0; workers->workers != NULL && i < workers->count; i++)
        if (workers->workers[i].started)
            command(&workers->workers[i], COMMAND_EXIT);
    for (size_t i = 0; workers->workers != NULL && i < workers->count; i++)
        if (workers->workers[i].started)
            pthread_join(workers->workers[i].thread, NULL);
    close_items(workers, take_queue(workers));
    for (size_t i = 0; workers->workers != NULL && i < workers->count; i++)
        close_items(workers, workers->workers[i].pending);
    /* Their last counts, while their registries still exist; scrapes still waiting answered. */
    if (workers->workers != NULL)
        add_worker_counts(workers);
    if (workers->rounds != NULL)
        gather_rounds_expire_all(workers->rounds, round_closed, workers);
    for (size_t i = 0; workers->workers != NULL && i < workers->count; i++)
        worker_deinit(&workers->workers[i]);
    if (workers->queue_event != NULL)
        event_free(workers->queue_event);
    if (workers->reclaim_timer != NULL)
        event_free(workers->reclaim_timer);
    if (workers->queue_fd >= 0)
        close(workers->queue_fd);
    if (workers->gathered_event != NULL)
        event_free(workers->gathered_event);
    if (workers->gathered_fd >= 0)
        close(workers->gathered_fd);
    gather_rounds_free(workers->rounds);
    worker_lists_deinit(workers);
    view_publisher_free(workers->publisher);
    pthread_mutex_destroy(&workers->queue_lock);
    free(workers->workers);
    free(workers);
}
