/* stream.h: GET /v1/stream: Server-Sent Events of lots and totals for a selection. */
#ifndef PARKSHARE_STREAM_H
#define PARKSHARE_STREAM_H

#include "api.h"
#include "api_signage.h"
#include "http.h"

#include <event2/event.h>
#include <stddef.h>

struct stream;

/*
 * Route GET /v1/stream?city=&group=&lot=. A client first gets every
 * selected lot as a "lot" event and the selection's totals as a "totals"
 * event, then both on every change, and a comment line every 15 s. A client
 * that does not read (more than buffer_limit bytes waiting) is dropped, so
 * a stalled sign never costs the daemon memory. Returns 0 or -1.
 */
int stream_register(struct http_server *server, struct event_base *base,
                    struct api_context *context, struct api_signage *signage, size_t buffer_limit,
                    struct stream **stream);

/* A lot changed (id), or any lot may have (NULL, the clock): send lot events. */
void stream_lot_changed(struct stream *stream, const char *id);

/* The number of connected clients. */
size_t stream_client_count(const struct stream *stream);

/* End every stream (on shutdown); the clients reconnect elsewhere. */
void stream_close_all(struct stream *stream);

/* Free; accepts NULL. Streams must have been closed. */
void stream_free(struct stream *stream);

#endif
