/* api_signage.h: GET /v1/totals and /v1/totals.txt for signs, with long polling. */
#ifndef PARKSHARE_API_SIGNAGE_H
#define PARKSHARE_API_SIGNAGE_H

#include "api.h"
#include "http.h"

#include <event2/event.h>

struct api_signage;

/*
 * Route both endpoints. Totals are kept per selection (city, group, kind)
 * and recomputed when lots change, not summed per request. Returns 0 or -1.
 */
int api_signage_register(struct http_server *server, struct event_base *base,
                         struct api_context *context, struct api_signage **signage);

/*
 * Lots changed (id, or NULL for any): the selections are recomputed within
 * about 20 ms, changes of many writes coalesced, and long polls whose
 * totals changed are answered.
 */
void api_signage_changed(struct api_signage *signage, const char *id);

/* Told when a selection's totals changed, with their new JSON. */
typedef void (*api_signage_observer)(const char *city, const char *group, const char *kind,
                                     const char *json, void *data);

/* Set the one observer (the stream); NULL to unset. */
void api_signage_observe(struct api_signage *signage, api_signage_observer observer, void *data);

/*
 * The current totals JSON of a selection (cached; computed when new), or
 * NULL when the cache is full of selections with waiting polls. Valid until
 * the next change.
 */
const char *api_signage_totals(struct api_signage *signage, const char *city, const char *group,
                               const char *kind);

/* Answer every waiting long poll now (on shutdown). */
void api_signage_release(struct api_signage *signage);

/* Free; accepts NULL. Long polls must have been released. */
void api_signage_free(struct api_signage *signage);

#endif
