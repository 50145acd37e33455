/* api_feeds.c: the open-data feeds, answered from the snapshot's kept answers (core/feed.h). */
#include "api_feeds.h"

#include "clock.h"
#include "feed.h"
#include "feed_query.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>

/* A 400 naming the parameter and the rule it breaks. */
static void refuse(struct http_exchange *exchange, const char *field, const char *rule)
{
    json_t *extensions = json_pack("{s:[{s:s,s:s}]}", "errors", "field", field, "rule", rule);
    char detail[FIELD_ERROR_FIELD_SIZE + FIELD_ERROR_RULE_SIZE + 4];

    snprintf(detail, sizeof(detail), "%s: %s", field, rule);
    http_reply_problem_with(exchange, PROBLEM_BAD_REQUEST, extensions, detail);
    json_decref(extensions);
}

/*
 * A parameter the format does not define is refused, so that a filter is
 * never silently ignored. Only the v3 list defines any (known, count).
 */
static bool refuse_unknown(struct http_exchange *exchange, const char *const *known, size_t count)
{
    const char *unknown = http_exchange_unknown_query(exchange, known, count);

    if (unknown == NULL)
        return false;
    refuse(exchange, unknown,
           count > 0 ? "not a parameter of this list" : "this feed takes no query parameters");
    return true;
}

/* Answer a feed's failure (404 "no <noun> '<argument>'", else 500); whether there was one. */
static bool reply_failure(struct http_exchange *exchange, int result, const char *noun,
                          const char *argument)
{
    if (result == FEED_ERROR_NOT_FOUND)
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no %s '%s'", noun, argument);
    else if (result != 0)
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
    return result != 0;
}

static void answer(struct http_exchange *exchange, struct endpoint_context *context,
                   enum feed_kind kind, const char *argument, const struct feed_query *query,
                   const char *noun)
{
    const struct list_cache_answer *found = NULL;
    struct list_cache_answer uncached;
    int result;

    /* The documents define no parameters; the list parsed its own (query). */
    if (query == NULL && refuse_unknown(exchange, NULL, 0))
        return;
    result = feed_get(context->snapshot, context->feed_numbers, kind, argument, query,
                      clock_now_ms(), &found, &uncached);
    if (reply_failure(exchange, result, noun, argument))
        return;
    endpoint_reply_kept(exchange, context, WIRE_JSON_TYPE, found, &uncached);
}

/* A whole-city document, from its slot (core/feed_slots.h): no query parameters. */
static void answer_document(struct http_exchange *exchange, struct endpoint_context *context,
                            enum feed_kind kind, const char *argument, const char *noun)
{
    struct rendered_answer *document = NULL;
    int result;

    if (refuse_unknown(exchange, NULL, 0))
        return;
    result = feed_get_document(context->feed_documents, context->lot_names, context->snapshot,
                               context->feed_numbers, kind, argument, clock_now_ms(), &document);
    if (reply_failure(exchange, result, noun, argument))
        return;
    endpoint_mark_stale(exchange, context->snapshot);
    http_reply_answer(exchange, WIRE_JSON_TYPE, document, HTTP_REPLY_PUBLIC);
    rendered_answer_drop(document);
}

static const char *lookup_query(const char *name, void *data)
{
    return http_exchange_query(data, name);
}

void api_feeds_parkapi_v3_list(struct http_exchange *exchange, const struct store_token *token,
                               void *data)
{
    struct feed_query query;
    struct field_error error;

    if (refuse_unknown(exchange, feed_query_parameters, feed_query_parameter_count))
        return;
    if (feed_query_parse(lookup_query, exchange, &query, &error) != 0) {
        refuse(exchange, error.field, error.rule);
        return;
    }
    answer(exchange, data, FEED_PARKAPI_V3_LIST, NULL, &query, NULL);
}

void api_feeds_parkapi_v3_site(struct http_exchange *exchange, const struct store_token *token,
                               void *data)
{
    answer(exchange, data, FEED_PARKAPI_V3_SITE, http_exchange_parameter(exchange, "id"), NULL,
           "parking site");
}

void api_feeds_parkapi_v1_city(struct http_exchange *exchange, const struct store_token *token,
                               void *data)
{
    answer_document(exchange, data, FEED_PARKAPI_V1_CITY, http_exchange_parameter(exchange, "city"),
                    "city");
}

void api_feeds_datex_light(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    answer_document(exchange, data, FEED_DATEX_LIGHT, NULL, "publication");
}

void api_feeds_datex_light_english(struct http_exchange *exchange, const struct store_token *token,
                                   void *data)
{
    answer_document(exchange, data, FEED_DATEX_LIGHT, "en", "publication");
}
