/* api_feeds.c: the open-data feeds, answered from the snapshot's kept answers (core/feed.h). */
#include "api_feeds.h"

#include "clock.h"
#include "feed.h"

#include <parkshare/wire.h>
#include <stdlib.h>

/*
 * The formats define no query parameters that parkshare could honour on
 * these paths; any one is refused, so a filter is never silently ignored.
 */
static bool refuse_query(struct http_exchange *exchange)
{
    const char *unknown = http_exchange_unknown_query(exchange, NULL, 0);
    json_t *extensions;

    if (unknown == NULL)
        return false;
    extensions = json_pack("{s:[{s:s,s:s}]}", "errors", "field", unknown, "rule",
                           "this feed takes no query parameters");
    http_reply_problem_with(exchange, PROBLEM_BAD_REQUEST, extensions,
                            "this feed takes no query parameters");
    json_decref(extensions);
    return true;
}

static void answer(struct http_exchange *exchange, struct endpoint_context *context,
                   enum feed_kind kind, const char *argument, const char *noun)
{
    const struct list_cache_answer *found = NULL;
    struct list_cache_answer uncached;
    int result;

    if (refuse_query(exchange))
        return;
    result = feed_get(context->snapshot, context->feed_numbers, kind, argument, clock_now_ms(),
                      &found, &uncached);
    if (result == FEED_ERROR_NOT_FOUND) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no %s '%s'", noun, argument);
        return;
    }
    if (result != 0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    endpoint_reply_kept(exchange, context, WIRE_JSON_TYPE, found, &uncached);
}

void api_feeds_parkapi_v3_list(struct http_exchange *exchange, const struct store_token *token,
                               void *data)
{
    answer(exchange, data, FEED_PARKAPI_V3_LIST, NULL, NULL);
}

void api_feeds_parkapi_v3_site(struct http_exchange *exchange, const struct store_token *token,
                               void *data)
{
    answer(exchange, data, FEED_PARKAPI_V3_SITE, http_exchange_parameter(exchange, "id"),
           "parking site");
}

void api_feeds_parkapi_v1_city(struct http_exchange *exchange, const struct store_token *token,
                               void *data)
{
    answer(exchange, data, FEED_PARKAPI_V1_CITY, http_exchange_parameter(exchange, "city"), "city");
}

void api_feeds_datex_light(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    answer(exchange, data, FEED_DATEX_LIGHT, NULL, NULL);
}
