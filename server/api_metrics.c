/* api_metrics.c: GET /metrics: gauges read now, the registry rendered, access checked first. */
#include "api_metrics.h"

#include "api_stream.h"
#include "api_totals.h"
#include "auth.h"
#include "client_address.h"
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>

struct api_metrics {
    struct client_address_list *allow; /* never NULL; may be empty */
    const struct http_server *server;  /* NULL until watched */
    api_metrics_gather_fn gather;      /* NULL: every count is in the registry already */
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

void api_metrics_gather(struct api_metrics *endpoint, api_metrics_gather_fn gather, void *data)
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

/* A scrape waiting for the other threads' counts. */
struct scrape {
    struct http_exchange *exchange;
    const struct endpoint_context *context;
};

static const char missing_help[] =
    "# HELP parkshare_metrics_workers_missing Worker loops whose counts did not come in time for "
    "this scrape (they come with the next).\n"
    "# TYPE parkshare_metrics_workers_missing gauge\n"
    "parkshare_metrics_workers_missing %zu\n";

/* The registry and the gauges read now; with workers, how many of them did not answer. */
static void render(struct http_exchange *exchange, const struct endpoint_context *context,
                   bool gathered, size_t missing)
{
    struct metrics_gauges gauges;
    size_t length = 0, extra;
    char *text, *grown;

    read_gauges(context, &gauges);
    text = metrics_render(context->metrics, &gauges, &length);
    if (text != NULL && gathered) {
        extra = (size_t)snprintf(NULL, 0, missing_help, missing);
        grown = realloc(text, length + extra + 1);
        if (grown == NULL) {
            free(text);
            text = NULL;
        } else {
            text = grown;
            length += (size_t)snprintf(text + length, extra + 1, missing_help, missing);
        }
    }
    if (text == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    http_reply(exchange, 200, API_METRICS_TYPE, text, length, NULL, HTTP_REPLY_NO_STORE);
    free(text);
}

static void on_gathered(void *cookie, size_t missing)
{
    struct scrape *scrape = cookie;
    render(scrape->exchange, scrape->context, true, missing);
    free(scrape);
}

static void answer(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    const struct endpoint_context *context = data;
    const struct api_metrics *endpoint = context->metrics_endpoint;
    struct scrape *scrape;

    if (endpoint->gather == NULL) {
        render(exchange, context, false, 0);
        return;
    }
    scrape = malloc(sizeof(*scrape));
    if (scrape == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "out of memory");
        return;
    }
    *scrape = (struct scrape){exchange, context};
    /* The answer comes from on_gathered, once every worker's counts are in (or their time is
     * over): the loop goes on serving meanwhile. */
    if (endpoint->gather(endpoint->gather_data, on_gathered, scrape) != 0) {
        free(scrape);
        render(exchange, context, false, 0);
    }
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
