/* api_lots_list.c: GET /v1/lots and GET /v1/lots.geojson: filtered, near-sorted, paged. */
#include "api_lots_list.h"

#include "api_arrivals.h"
#include "endpoint.h"
#include "list_answer.h"
#include "lot_query.h"

#include <stdio.h>
#include <stdlib.h>

static const char *lookup_parameter(const char *name, void *data)
{
    return http_exchange_query(data, name);
}

static void answer(struct http_exchange *exchange, struct endpoint_context *context,
                   enum list_answer_format format)
{
    const char *unknown =
        http_exchange_unknown_query(exchange, lot_query_parameters, lot_query_parameter_count);
    const struct list_cache_answer *found = NULL;
    struct list_cache_answer uncached;
    struct field_error error;
    struct lot_query query;
    int result;

    if (unknown != NULL) {
        http_reply_invalid(exchange, unknown,
                           "unknown query parameter; expected city, group, kind, near, radius, "
                           "bbox, open, min_free, limit or cursor");
        return;
    }
    result = lot_query_parse(lookup_parameter, exchange, &query, &error);
    if (result == LOT_QUERY_ERROR_CURSOR) {
        endpoint_reply_bad_cursor(exchange, error.rule);
        return;
    }
    if (result != 0) {
        http_reply_invalid(exchange, error.field, error.rule);
        return;
    }
    if (list_answer_get(context->snapshot, context->lot_names, &query, format, &found, &uncached) !=
        0) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    endpoint_reply_kept(exchange, context, list_answer_content_type(format), found, &uncached);
}

void api_lots_list(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    if (http_exchange_query(exchange, "arrive_at") != NULL) /* the forecast's own list */
        api_arrivals_list(exchange, token, data);
    else
        answer(exchange, data, LIST_ANSWER_LOTS);
}

void api_lots_list_geojson(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    answer(exchange, data, LIST_ANSWER_GEOJSON);
}
