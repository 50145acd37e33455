/* store.h: the Redis links: hiredis async on libevent, reconnect, health, pub/sub. */
#ifndef PARKSHARE_STORE_H
#define PARKSHARE_STORE_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_error {
    STORE_ERROR_NO_MEMORY = -1,
    STORE_ERROR_NOT_READY = -2, /* the command link is down: answer 503 */
};

/*
 * How a store operation ended. UNAVAILABLE means the link broke or was
 * never up: a write may or may not have been applied, which is why writes
 * carry idempotency keys.
 */
enum store_outcome {
    STORE_OUTCOME_OK = 0,
    STORE_OUTCOME_REPLAYED, /* an idempotent retry: the first answer, nothing changed */
    STORE_OUTCOME_CREATED,
    STORE_OUTCOME_REPLACED,
    STORE_OUTCOME_UNAUTHORIZED, /* no such token */
    STORE_OUTCOME_FORBIDDEN,    /* the token's scope excludes the lot */
    STORE_OUTCOME_NOT_FOUND,
    STORE_OUTCOME_KEY_REUSED,    /* the idempotency key was used with another body */
    STORE_OUTCOME_OVER_CAPACITY, /* a recount above capacity */
    STORE_OUTCOME_NO_SPACE,      /* the lot declares no spaces of the type counted */
    STORE_OUTCOME_EXISTS,
    STORE_OUTCOME_REVOKED,
    STORE_OUTCOME_UNAVAILABLE,
    STORE_OUTCOME_FAILED, /* Redis answered something unexpected (logged) */
    /* The write was applied on the master but fewer than write_replicas replicas
     * confirmed it within write_replica_timeout: retry with the same idempotency key. */
    STORE_OUTCOME_NOT_REPLICATED,
};

/* Whether outcome means "retry later": Redis unreachable, or a write not confirmed. */
static inline bool store_outcome_unavailable(enum store_outcome outcome)
{
    return outcome == STORE_OUTCOME_UNAVAILABLE || outcome == STORE_OUTCOME_NOT_REPLICATED;
}

/*
 * One JSON document kept by id (a calendar, a group's names): json is NULL
 * when there is none; id and json are valid during the call. A load of
 * every document calls it once per document with OK, then once with id
 * NULL and the outcome of the whole load.
 */
typedef void (*store_document_callback)(enum store_outcome outcome, const char *id,
                                        const char *json, void *data);

/*
 * Receives how an operation ended, for every operation whose caller needs
 * nothing more; each operation lists the outcomes it can give.
 */
typedef void (*store_outcome_callback)(enum store_outcome outcome, void *data);

/* One sentinel of sentinel mode (host borrowed during store_new). */
struct store_sentinel_host {
    const char *host;
    uint16_t port;
};

/*
 * Where Redis is: a TCP address, a unix socket path, or (sentinel_count >
 * 0) the master that the sentinels name master_name.
 */
struct store_options {
    const char *host;                /* TCP; NULL for a unix socket */
    uint16_t port;                   /* TCP */
    const char *socket_path;         /* unix socket; NULL for TCP */
    int database;                    /* SELECTed after connecting */
    const char *username;            /* AUTH, optional */
    const char *password;            /* AUTH, optional; never logged */
    int64_t idempotency_ttl_seconds; /* how long an answer is kept for retries */
    int64_t audit_max_length;        /* cap of each audit stream (approximate) */
    /* Sentinel mode (sentinel_count > 0): the sentinels, asked in turn, and the master's name. */
    const struct store_sentinel_host *sentinels;
    size_t sentinel_count;
    const char *master_name;
    /* Every write waits (WAIT) for this many replicas, up to write_replica_timeout_ms;
     * fewer answer STORE_OUTCOME_NOT_REPLICATED. 0: no WAIT. */
    int64_t write_replicas;
    int64_t write_replica_timeout_ms;
    int64_t history_days; /* how long count history is kept (0: the default 400) */
};

struct store;

/*
 * Called when the store becomes ready or stops being ready. Ready means the
 * command link is connected, authenticated, its scripts are loaded and it
 * answers PING, and the change subscription is in place. Every time it
 * becomes ready, changes published while it was not may have been missed:
 * the listener reloads what it keeps.
 */
typedef void (*store_ready_callback)(bool ready, void *data);

/* A message published on the change channel (text of length bytes). */
typedef void (*store_change_callback)(const char *message, size_t length, void *data);

/*
 * A store for Redis at options (copied). In sentinel mode it first asks
 * the sentinels for the master, follows +switch-master to the new master,
 * and asks again whenever the master's link breaks or a write answers
 * READONLY. It connects at once and keeps
 * doing so with backoff (25 ms doubling to 500 ms, so the links are whole
 * within a second of Redis returning); it PINGs every second and drops a
 * link whose PING goes unanswered for 3 s. Nothing blocks the event loop.
 * Callbacks may be NULL. Returns 0 or STORE_ERROR_NO_MEMORY.
 */
int store_new(struct event_base *base, const struct store_options *options,
              store_ready_callback on_ready, store_change_callback on_change, void *data,
              struct store **store);

/* How many days of count history are kept (store_options.history_days). */
int64_t store_history_days(const struct store *store);

/* Whether the store is ready for commands now. */
bool store_is_ready(const struct store *store);

struct metrics;

/*
 * Count reconnects and time scripts into metrics (borrowed: it must outlive
 * the store), which learns the scripts' names. Returns 0, or a negative
 * enum metrics_error when the registry has no room for the scripts.
 */
int store_set_metrics(struct store *store, struct metrics *metrics);

/* Close the links; pending commands see their failure callback. Accepts NULL. */
void store_free(struct store *store);

#endif
