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

/*
 * Call gather(data) before each rendering: counts kept elsewhere (other
 * threads' registries) are added into the context's registry then.
 */
void api_metrics_gather(struct api_metrics *endpoint, void (*gather)(void *data), void *data);

/*
 * GET /metrics (the context's metrics and metrics_endpoint must be set).
 * Answered 200 with the registry's text and the gauges read now when the
 * client (the peer, or behind a trusted proxy the client it names) is in
 * metrics_allow, or with an admin token; 401 for a token that is not one,
 * 403 for another role or for no token from elsewhere.
 */
endpoint_handler api_metrics_read;

/* Free; accepts NULL. */
void api_metrics_free(struct api_metrics *endpoint);

#endif
