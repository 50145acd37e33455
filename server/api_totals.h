/* api_totals.h: GET /v1/totals and /v1/totals.txt for signs, with long polling. */
#ifndef PARKSHARE_API_TOTALS_H
#define PARKSHARE_API_TOTALS_H

#include "endpoint.h"
#include "http.h"

#include <event2/event.h>

struct api_totals;

/*
 * The totals of signs. They are kept per selection (city, group, kind) and
 * recomputed when lots change, not summed per request. context must outlive
 * *totals_endpoint. Returns 0, or -1 without memory.
 */
int api_totals_new(struct event_base *base, struct endpoint_context *context,
                   struct api_totals **totals_endpoint);

/* GET /v1/totals?city=&group=&kind=&wait=: the selection's totals as JSON. */
endpoint_handler api_totals_json;

/* GET /v1/totals.txt: the same as the sign's one line of text. */
endpoint_handler api_totals_text;

/*
 * Some lot changed: every cached selection is recomputed within
 * about 20 ms, changes of many writes coalesced, and long polls whose
 * totals changed are answered.
 */
void api_totals_changed(struct api_totals *totals_endpoint);

/* Told when a selection's totals changed, with their new JSON. */
typedef void (*api_totals_observer)(const char *city, const char *group, const char *kind,
                                    const char *json, void *data);

/* Set the one observer (the stream); NULL to unset. */
void api_totals_observe(struct api_totals *totals_endpoint, api_totals_observer observer,
                        void *data);

/*
 * Follow a selection (a stream does, for as long as it is open): its
 * totals stay cached, and reach the observer on every change, until
 * api_totals_unfollow with the same names. Returns the current totals JSON
 * (valid until the next change), or NULL when out of memory (then nothing
 * is followed).
 */
const char *api_totals_follow(struct api_totals *totals_endpoint, const char *city,
                              const char *group, const char *kind);

/* Stop following what api_totals_follow followed; the selection may then be evicted. */
void api_totals_unfollow(struct api_totals *totals_endpoint, const char *city, const char *group,
                         const char *kind);

/* A kept selection's two answers, as GET /v1/totals and /v1/totals.txt send them. */
struct api_totals_answers {
    const char *json;
    size_t json_length;
    const char *json_etag;
    const char *text; /* NUL-terminated */
    const char *text_etag;
};

/*
 * Told, on the owner's loop, whenever a kept selection's answers are what
 * the endpoint would send from then on: when it is kept, each time it is
 * recomputed, and when it is evicted (answers NULL: from then on it would
 * be computed afresh). city, group, kind and space are the query's values
 * (NULL when absent). Transient selections (computed for one answer) are
 * never told.
 */
typedef void (*api_totals_publisher)(const char *city, const char *group, const char *kind,
                                     const char *space, const struct api_totals_answers *answers,
                                     void *data);

/* Set the one publisher (the workers' view); NULL to unset. Every kept selection is told now. */
void api_totals_publish(struct api_totals *totals_endpoint, api_totals_publisher publisher,
                        void *data);

/* The long polls waiting now (for the metrics; counted when read). */
size_t api_totals_waiter_count(const struct api_totals *totals_endpoint);

/* Answer every waiting long poll now (on shutdown). */
void api_totals_release(struct api_totals *totals_endpoint);

/* Free; accepts NULL. Long polls must have been released. */
void api_totals_free(struct api_totals *totals_endpoint);

#endif
