/* endpoint.h: what every endpoint is given (struct endpoint_context) and the answers they share. */
#ifndef PARKSHARE_ENDPOINT_H
#define PARKSHARE_ENDPOINT_H

#include "list_cache.h"
#include "metrics.h"
#include "opening.h"
#include "snapshot.h"
#include "snapshot_sync.h"
#include "store.h"
#include "token_memo.h"

struct api_forecast;
struct api_metrics;
struct api_stream;
struct feed_numbers;
struct feed_slots;
struct lot_names;
struct api_totals;
struct api_web;
struct http_exchange;
struct store_token;

/* Owned by main.c; endpoint modules only borrow it. */
struct endpoint_context {
    struct store *store;
    struct snapshot *snapshot;
    struct snapshot_sync *sync;
    struct opening *opening;
    const char *timezone;
    const char *sign_unknown_text;     /* totals.txt when no open lot has a fresh count */
    struct token_memo *tokens_seen;    /* keys a single write's limit without a lookup */
    struct feed_numbers *feed_numbers; /* ParkAPI numbers to lots, for /v3/parking-sites/{id} */
    struct feed_slots *feed_documents; /* the whole-city feed documents, one to a slot */
    struct lot_names *lot_names;       /* the lots' cities and groups, counted (lot_names.h) */
    struct metrics *metrics;           /* the registry of /metrics; NULL: nothing is counted */
    int64_t closure_max_open_ms;       /* a closure announced without "to" expires after it */
    /* The endpoint modules with state of their own, for their handlers. */
    struct api_totals *totals;
    struct api_stream *stream;
    struct api_web *web;
    struct api_metrics *metrics_endpoint;
    struct api_forecast *forecast; /* lots' hourly history kept for forecasts */
};

/*
 * What every endpoint's handler is: it answers exchange (now, or later from
 * a callback); data is the struct endpoint_context; token is the caller's
 * checked admin token on an admin-only route, else NULL. The route table
 * (routes.c) says which handler serves which route.
 */
typedef void endpoint_handler(struct http_exchange *exchange, const struct store_token *token,
                              void *data);

/*
 * While the snapshot is stale (Redis away), add Age (seconds since) and
 * Warning: 110 to a read's answer, so caches and clients know.
 */
void endpoint_mark_stale(struct http_exchange *exchange, const struct snapshot *snapshot);

/*
 * The same for content stale since stale_since_ms (-1: fresh, nothing added),
 * for answers not read from the snapshot itself (a worker's published view).
 * Safe on any loop's thread.
 */
void endpoint_mark_stale_since(struct http_exchange *exchange, int64_t stale_since_ms);

/*
 * calloc(1, size) for an exchange's own state; when memory runs out the
 * exchange is answered 500 (and freed) and NULL is returned.
 */
void *endpoint_allocate(struct http_exchange *exchange, size_t size);

/* Answer 503 for an unreachable Redis, with Retry-After. The exchange is freed. */
void endpoint_reply_store_unavailable(struct http_exchange *exchange);

/*
 * Answer a store outcome for which store_outcome_unavailable holds: 503
 * with Retry-After, typed store-unavailable or (NOT_REPLICATED: the change
 * was made on the master but too few replicas confirmed it) not-replicated.
 */
void endpoint_reply_unavailable(struct http_exchange *exchange, enum store_outcome outcome);

/*
 * Answer 200 with an answer from the snapshot's list cache (or *uncached,
 * which this frees): marked stale like every snapshot read, and gzip-encoded
 * from a copy made on the first client that accepts it, kept until the
 * answer changes.
 */
void endpoint_reply_kept(struct http_exchange *exchange, const struct endpoint_context *context,
                         const char *content_type, const struct list_cache_answer *answer,
                         struct list_cache_answer *uncached);

/* Builds a document from the context alone; a new reference, or NULL when out of memory. */
typedef json_t *(*endpoint_document_builder)(const struct endpoint_context *context);

/*
 * Answer 200 with the JSON document build makes, kept in the snapshot's
 * list cache under key (which must name everything else the document
 * depends on) until the snapshot's revision moves: a thousand reads between
 * two changes build it once, and compress it at most once. Marked stale like
 * every snapshot read; 500 when out of memory.
 */
void endpoint_reply_kept_document(struct http_exchange *exchange,
                                  const struct endpoint_context *context, const char *key,
                                  endpoint_document_builder build);

/*
 * Answer 400 bad-request for a cursor the service never gave, with rule (what
 * the cursor should have been) as the one entry of the problem's errors and
 * in its detail. A cursor is malformed request syntax, not an invalid value.
 */
void endpoint_reply_bad_cursor(struct http_exchange *exchange, const char *rule);

/*
 * Answer a DELETE of /…/{id} from the store's outcome: 204 when it is done,
 * 404 "no <noun> '<id>'" for NOT_FOUND, 503 when Redis is away, else 500
 * with failure ("the token could not be revoked"). The exchange is freed.
 */
void endpoint_reply_deletion(struct http_exchange *exchange, enum store_outcome outcome,
                             enum store_outcome done, const char *noun, const char *failure);

/*
 * The Idempotency-Key header into key (size bytes, at least
 * WIRE_IDEMPOTENCY_KEY_MAX + 1): *present false when there is none.
 * Returns 0, or -1 after answering 400 for a repeated or malformed one.
 */
int endpoint_idempotency_key(struct http_exchange *exchange, char *key, size_t size, bool *present);

/*
 * The query parameter name as an RFC 3339 instant in *value (fallback when
 * absent). Returns 0, or -1 after answering 422 naming it.
 */
int endpoint_query_instant(struct http_exchange *exchange, const char *name, int64_t fallback,
                           int64_t *value);

#endif
