/* api_metrics.c: GET /metrics: gauges read now, the registry rendered, access checked first. */
#include "api_metrics.h"

#include "api_stream.h"
#include "api_totals.h"
#include "auth.h"
#include "client_address.h"
#include "metrics.h"

#include <stdlib.h>

struct api_metrics {
    struct client_address_list *allow; /* never NULL; may be empty */
    const struct http_server *server;  /* NULL until watched */
    void (*gather)(void *data);        /* NULL: every count is in the registry already */
    void *gather_data;
};

int api_metrics_new(const char *allow, struct api_metrics **out, char *error, size_t error_size)
{
    struct api_metrics *endpoint = calloc(1, sizeof(*endpoint));
    int result;

    if (endpoint == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    result = client_address_list_parse(allow, &endpoint->allow, error, error_size);
    if (result != 0) {
        if (result != CLIENT_ADDRESS_ERROR_INVALID)
            snprintf(error, error_size, "out of memory");
        api_metrics_free(endpoint);
        return -1;
    }
    *out = endpoint;
    return 0;
}

void api_metrics_watch(struct api_metrics *endpoint, const struct http_server *server)
{
    endpoint->server = server;
}

void api_metrics_gather(struct api_metrics *endpoint, void (*gather)(void *data), void *data)
{
    endpoint->gather = gather;
    endpoint->gather_data = data;
}

/* What is read rather than counted, read now. */
static void read_gauges(const struct endpoint_context *context, struct metrics_gauges *gauges)
{
    size_t lots = snapshot_count(context->snapshot);

    *gauges = (struct metrics_gauges){.redis_up = store_is_ready(context->store)};
    for (size_t i = 0; i < lots; i++) {
        const struct snapshot_lot *lot = snapshot_at(context->snapshot, i);
        if ((size_t)lot->state < METRICS_LOT_STATES)
            gauges->lots[lot->state]++;
    }
    if (context->stream != NULL)
        gauges->stream_clients = api_stream_client_count(context->stream);
    if (context->totals != NULL)
        gauges->long_poll_waiters = api_totals_waiter_count(context->totals);
    if (context->metrics_endpoint->server != NULL)
        gauges->connections_open = http_server_connections_open(context->metrics_endpoint->server);
}

static void answer(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    const struct endpoint_context *context = data;
    struct metrics_gauges gauges;
    size_t length = 0;
    char *text;

    if (context->metrics_endpoint->gather != NULL)
        context->metrics_endpoint->gather(context->metrics_endpoint->gather_data);
    read_gauges(context, &gauges);
    text = metrics_render(context->metrics, &gauges, &length);
    if (text == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    http_reply(exchange, 200, API_METRICS_TYPE, text, length, NULL, HTTP_REPLY_NO_STORE);
    free(text);
}

/*
 * The address judged is the one every limit and the audit use: the peer,
 * or behind a trusted proxy the client it names, so that a proxy on
 * loopback does not open /metrics to whoever it forwards.
 */
void api_metrics_read(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    struct endpoint_context *context = data;
    const char *client = http_exchange_client(exchange);

    if (context->metrics == NULL || context->metrics_endpoint == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the metrics are not set up");
        return;
    }
    if (client_address_list_contains(context->metrics_endpoint->allow, client)) {
        answer(exchange, token, data);
        return;
    }
    if (http_exchange_header(exchange, "Authorization") == NULL) {
        http_reply_problem(exchange, PROBLEM_FORBIDDEN,
                           "/metrics is served to the addresses in metrics_allow or with an admin "
                           "token; %s is not in metrics_allow",
                           client);
        return;
    }
    /* A read: no write is counted against the token. */
    auth_require(exchange, context->store, (struct auth_demand){true, 0}, answer, NULL, context);
}

void api_metrics_free(struct api_metrics *endpoint)
{
    if (endpoint == NULL)
        return;
    client_address_list_free(endpoint->allow);
    free(endpoint);
}
