/* api_metrics.h: GET /metrics: the Prometheus text, for metrics_allow addresses or an admin token.
 */
#ifndef PARKSHARE_API_METRICS_H
#define PARKSHARE_API_METRICS_H

#include "endpoint.h"
#include "http.h"

#include <stddef.h>

/* The media type of the Prometheus text exposition format. */
#define API_METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct api_metrics;

/*
 * The endpoint's state: who may read without a token, allow (the
 * metrics_allow list: addresses and CIDR blocks; NULL or blank: nobody).
 * Returns 0 with *endpoint owned by the caller, or -1 with the reason in
 * error (a malformed list, or no memory).
 */
int api_metrics_new(const char *allow, struct api_metrics **endpoint, char *error,
                    size_t error_size);

/* Read the open connections from server (borrowed; it must outlive the endpoint's use). */
void api_metrics_watch(struct api_metrics *endpoint, const struct http_server *server);

/* Told on the owner's loop that a gather is over: how many threads' counts did not come. */
typedef void (*api_metrics_gathered)(void *cookie, size_t missing);

/*
 * Before each rendering call gather(data, done, cookie): it asks the other
 * threads for their counts (kept in their own registries) and calls
 * done(cookie, missing) once, on the owner's loop, after they are added
 * into the context's registry, or after its timeout with what came. It
 * never blocks the loop. It returns 0, or -1 without memory (then done is
 * not called and the counts already there are rendered).
 */
typedef int (*api_metrics_gather_fn)(void *data, api_metrics_gathered done, void *cookie);
void api_metrics_gather(struct api_metrics *endpoint, api_metrics_gather_fn gather, void *data);

/*
 * GET /metrics (the context's metrics and metrics_endpoint must be set).
 * Answered 200 with the registry's text and the gauges read now when the
 * client (the peer, or behind a trusted proxy the client it names) is in
 * metrics_allow, or with an admin token; 401 for a token that is not one,
 * 403 for another role or for no token from elsewhere. With other threads
 * (api_metrics_gather) the answer waits, off the loop, for their counts;
 * the gauge parkshare_metrics_workers_missing says how many did not come.
 */
endpoint_handler api_metrics_read;

/* Free; accepts NULL. */
void api_metrics_free(struct api_metrics *endpoint);

#endif
