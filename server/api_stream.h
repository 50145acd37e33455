/* api_stream.h: GET /v1/stream: Server-Sent Events of lots and totals for a selection. */
#ifndef PARKSHARE_API_STREAM_H
#define PARKSHARE_API_STREAM_H

#include "api_totals.h"
#include "endpoint.h"
#include "http.h"

#include <event2/event.h>
#include <stddef.h>

struct api_stream;

/*
 * The streams to signs, fed by context's totals (which must be set, and
 * like context outlive *stream): it observes them. A client that does not
 * read (more than buffer_limit bytes waiting) is dropped, so a stalled sign
 * never costs the daemon memory. Returns 0, or -1 without memory.
 */
int api_stream_new(struct event_base *base, struct endpoint_context *context, size_t buffer_limit,
                   struct api_stream **stream);

/*
 * GET /v1/stream?city=&group=&lot= (the context's stream must be set). A
 * client first gets every selected lot as a "lot" event and the
 * selection's totals as a "totals" event, then both on every change, and a
 * comment line every 15 s.
 */
endpoint_handler api_stream_open;

/* A lot changed (id), or any lot may have (NULL, the clock): send lot events. */
void api_stream_lot_changed(struct api_stream *stream, const char *id);

/* The streams open now (for the metrics; counted when read). */
size_t api_stream_client_count(const struct api_stream *stream);

/* End every stream (on shutdown); the clients reconnect elsewhere. */
void api_stream_close_all(struct api_stream *stream);

/* Free; accepts NULL. Streams must have been closed. */
void api_stream_free(struct api_stream *stream);

#endif
