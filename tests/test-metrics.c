/* test-metrics.c: the /metrics registry rendered exactly: counters, gauges, histograms, escaping.
 */
#include "check.h"
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

/* One family's lines, from its "# HELP" to the next family's (a new string), or NULL. */
static char *family(const char *text, const char *name)
{
    char help[128];
    const char *start, *end;
    char *copy;

    snprintf(help, sizeof(help), "# HELP %s ", name);
    start = strstr(text, help);
    if (start == NULL)
        return NULL;
    end = strstr(start + 1, "# HELP ");
    if (end == NULL)
        end = start + strlen(start);
    copy = malloc((size_t)(end - start) + 1);
    memcpy(copy, start, (size_t)(end - start));
    copy[end - start] = '\0';
    return copy;
}

/* Render metrics with gauges and return name's family (a new string). */
static char *render_family(const struct metrics *metrics, const struct metrics_gauges *gauges,
                           const char *name)
{
    size_t length = 0;
    char *text = metrics_render(metrics, gauges, &length);
    char *lines;

    CHECK(text != NULL);
    if (text == NULL)
        return NULL;
    CHECK_INT_EQ(length, strlen(text));
    lines = family(text, name);
    free(text);
    return lines;
}

static void check_family(const struct metrics *metrics, const struct metrics_gauges *gauges,
                         const char *name, const char *expected)
{
    char *lines = render_family(metrics, gauges, name);
    CHECK_STR_EQ(lines, expected);
    free(lines);
}

static void test_a_new_registry_renders_every_family(void)
{
    struct metrics *metrics = metrics_new("1.2.3");
    struct metrics_gauges gauges = {.redis_up = true,
                                    .lots = {1, 2, 3, 4},
                                    .stream_clients = 5,
                                    .long_poll_waiters = 6,
                                    .connections_open = 7};
    size_t length = 0;
    char *text = metrics_render(metrics, &gauges, &length);

    CHECK_STR_EQ(text,
                 "# HELP parkshare_build_info The daemon's version (always 1).\n"
                 "# TYPE parkshare_build_info gauge\n"
                 "parkshare_build_info{version=\"1.2.3\"} 1\n"
                 "# HELP parkshare_redis_up 1 while the Redis links are ready for commands, else "
                 "0.\n"
                 "# TYPE parkshare_redis_up gauge\n"
                 "parkshare_redis_up 1\n"
                 "# HELP parkshare_lots Lots by their state as the API names it.\n"
                 "# TYPE parkshare_lots gauge\n"
                 "parkshare_lots{state=\"closed\"} 1\n"
                 "parkshare_lots{state=\"unknown\"} 2\n"
                 "parkshare_lots{state=\"full\"} 3\n"
                 "parkshare_lots{state=\"open\"} 4\n"
                 "# HELP parkshare_stream_clients Open event streams (/v1/stream).\n"
                 "# TYPE parkshare_stream_clients gauge\n"
                 "parkshare_stream_clients 5\n"
                 "# HELP parkshare_long_poll_waiters Long polls of /v1/totals waiting for a "
                 "change.\n"
                 "# TYPE parkshare_long_poll_waiters gauge\n"
                 "parkshare_long_poll_waiters 6\n"
                 "# HELP parkshare_connections_open Open client connections.\n"
                 "# TYPE parkshare_connections_open gauge\n"
                 "parkshare_connections_open 7\n"
                 "# HELP parkshare_http_requests_total HTTP requests answered, by route "
                 "template, method and status.\n"
                 "# TYPE parkshare_http_requests_total counter\n"
                 "# HELP parkshare_http_request_duration_seconds Seconds from a request's head "
                 "to its answer written, by route template (event streams and long polls are "
                 "not timed).\n"
                 "# TYPE parkshare_http_request_duration_seconds histogram\n"
                 "# HELP parkshare_redis_script_duration_seconds Seconds from a Lua script's "
                 "call to Redis' reply, by script.\n"
                 "# TYPE parkshare_redis_script_duration_seconds histogram\n"
                 "# HELP parkshare_writes_total Occupancy writes that reached the store, by "
                 "outcome.\n"
                 "# TYPE parkshare_writes_total counter\n"
                 "parkshare_writes_total{outcome=\"ok\"} 0\n"
                 "parkshare_writes_total{outcome=\"replay\"} 0\n"
                 "parkshare_writes_total{outcome=\"clamped\"} 0\n"
                 "parkshare_writes_total{outcome=\"refused\"} 0\n"
                 "parkshare_writes_total{outcome=\"unavailable\"} 0\n"
                 "# HELP parkshare_redis_reconnects_total Times the Redis link was made whole "
                 "again after it was lost.\n"
                 "# TYPE parkshare_redis_reconnects_total counter\n"
                 "parkshare_redis_reconnects_total 0\n"
                 "# HELP parkshare_connections_refused_total Connections and streams refused, "
                 "by the limit they met.\n"
                 "# TYPE parkshare_connections_refused_total counter\n"
                 "parkshare_connections_refused_total{limit=\"max_connections\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"max_connections_per_client\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"max_streams\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"max_streams_per_client\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"descriptors\"} 0\n"
                 "# HELP parkshare_rate_limited_total Requests answered 429, by the rate limit "
                 "they met.\n"
                 "# TYPE parkshare_rate_limited_total counter\n"
                 "parkshare_rate_limited_total{limit=\"writes\"} 0\n"
                 "parkshare_rate_limited_total{limit=\"admin_writes\"} 0\n"
                 "parkshare_rate_limited_total{limit=\"auth_failures\"} 0\n");
    CHECK(text != NULL && length == strlen(text));
    free(text);
    metrics_free(metrics);
    metrics_free(NULL);
}

static void test_requests_count_by_route_method_and_status(void)
{
    struct metrics *metrics = metrics_new("1");
    struct metrics_gauges gauges = {0};
    size_t lot = 99, list = 99, again = 99;

    CHECK_INT_EQ(metrics_add_route(metrics, "/v1/lots/{id}", &lot), 0);
    CHECK_INT_EQ(metrics_add_route(metrics, "/v1/lots", &list), 0);
    CHECK_INT_EQ(metrics_add_route(metrics, "/v1/lots/{id}", &again), 0);
    CHECK_INT_EQ(lot, 1);
    CHECK_INT_EQ(list, 2);
    CHECK_INT_EQ(again, lot); /* one slot per template, whatever the methods */
    for (int i = 0; i < 3; i++)
        metrics_count_request(metrics, lot, METRICS_METHOD_GET, 200);
    metrics_count_request(metrics, lot, METRICS_METHOD_PUT, 422);
    metrics_count_request(metrics, list, METRICS_METHOD_HEAD, 304);
    metrics_count_request(metrics, METRICS_ROUTE_OTHER, METRICS_METHOD_OTHER, 405);
    /* Statuses outside the fixed set go under their class: the label set stays bounded. */
    metrics_count_request(metrics, lot, METRICS_METHOD_GET, 418);
    metrics_count_request(metrics, lot, METRICS_METHOD_GET, 299);
    /* Out of range: ignored, not a crash. */
    metrics_count_request(metrics, 40, METRICS_METHOD_GET, 200);
    metrics_count_request(metrics, lot, METRICS_METHOD_COUNT, 200);
    metrics_count_request(NULL, lot, METRICS_METHOD_GET, 200);
    check_family(
        metrics, &gauges, "parkshare_http_requests_total",
        "# HELP parkshare_http_requests_total HTTP requests answered, by route "
        "template, method and status.\n"
        "# TYPE parkshare_http_requests_total counter\n"
        "parkshare_http_requests_total{route=\"other\",method=\"other\",status=\"405\"} 1\n"
        "parkshare_http_requests_total{route=\"/v1/lots/{id}\",method=\"GET\","
        "status=\"200\"} 3\n"
        "parkshare_http_requests_total{route=\"/v1/lots/{id}\",method=\"GET\","
        "status=\"2xx\"} 1\n"
        "parkshare_http_requests_total{route=\"/v1/lots/{id}\",method=\"GET\","
        "status=\"4xx\"} 1\n"
        "parkshare_http_requests_total{route=\"/v1/lots/{id}\",method=\"PUT\","
        "status=\"422\"} 1\n"
        "parkshare_http_requests_total{route=\"/v1/lots\",method=\"HEAD\","
        "status=\"304\"} 1\n");
    metrics_free(metrics);
}

static void test_histogram_buckets_are_cumulative(void)
{
    struct metrics *metrics = metrics_new("1");
    struct metrics_gauges gauges = {0};
    size_t route = 0;

    CHECK_INT_EQ(metrics_add_route(metrics, "/healthz", &route), 0);
    metrics_observe_request(metrics, route, 0.0003);
    metrics_observe_request(metrics, route, 0.0005); /* le is inclusive */
    metrics_observe_request(metrics, route, 0.003);
    metrics_observe_request(metrics, route, 7.0);
    check_family(
        metrics, &gauges, "parkshare_http_request_duration_seconds",
        "# HELP parkshare_http_request_duration_seconds Seconds from a request's head to its "
        "answer written, by route template (event streams and long polls are not timed).\n"
        "# TYPE parkshare_http_request_duration_seconds histogram\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0005\"} 2\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.001\"} 2\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0025\"} 2\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.01\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.025\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.05\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.1\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.5\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"1\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"2.5\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"5\"} 3\n"
        "parkshare_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 4\n"
        "parkshare_http_request_duration_seconds_sum{route=\"/healthz\"} 7.0038\n"
        "parkshare_http_request_duration_seconds_count{route=\"/healthz\"} 4\n");
    metrics_free(metrics);
}

static void test_scripts_are_named_and_timed(void)
{
    static const char *const names[] = {NULL, "occupancy", "lot_put"};
    struct metrics *metrics = metrics_new("1");
    struct metrics_gauges gauges = {0};
    static const char *many[METRICS_MAX_SCRIPTS + 1];

    CHECK_INT_EQ(metrics_name_scripts(metrics, many, METRICS_MAX_SCRIPTS + 1), METRICS_ERROR_FULL);
    CHECK_INT_EQ(metrics_name_scripts(metrics, names, 3), 0);
    metrics_observe_script(metrics, 0, 0.1); /* unnamed: counted, never shown */
    metrics_observe_script(metrics, 2, 0.0004);
    metrics_observe_script(metrics, 3, 0.1); /* out of range: ignored */
    check_family(metrics, &gauges, "parkshare_redis_script_duration_seconds",
                 "# HELP parkshare_redis_script_duration_seconds Seconds from a Lua script's "
                 "call to Redis' reply, by script.\n"
                 "# TYPE parkshare_redis_script_duration_seconds histogram\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.0002\"}"
                 " 0\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.0005\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.001\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.0025\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.005\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.01\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.025\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.05\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.1\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.25\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"0.5\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"1\"} 1\n"
                 "parkshare_redis_script_duration_seconds_bucket{script=\"lot_put\",le=\"+Inf\"}"
                 " 1\n"
                 "parkshare_redis_script_duration_seconds_sum{script=\"lot_put\"} 0.0004\n"
                 "parkshare_redis_script_duration_seconds_count{script=\"lot_put\"} 1\n");
    metrics_free(metrics);
}

static void test_fixed_counters_move_by_one(void)
{
    struct metrics *metrics = metrics_new("1");
    struct metrics_gauges gauges = {0};

    metrics_count_write(metrics, METRICS_WRITE_CLAMPED);
    metrics_count_write(metrics, METRICS_WRITE_REFUSED);
    metrics_count_write(metrics, METRICS_WRITE_REFUSED);
    metrics_count_write(metrics, METRICS_WRITE_COUNT); /* ignored */
    metrics_count_reconnect(metrics);
    metrics_count_refusal(metrics, METRICS_LIMIT_MAX_CONNECTIONS_PER_CLIENT);
    metrics_count_refusal(metrics, METRICS_LIMIT_DESCRIPTORS);
    metrics_count_rate_limited(metrics, METRICS_RATE_LIMIT_AUTH_FAILURES);
    metrics_count_write(NULL, METRICS_WRITE_OK);
    metrics_count_reconnect(NULL);
    metrics_count_refusal(NULL, METRICS_LIMIT_MAX_STREAMS);
    metrics_count_rate_limited(NULL, METRICS_RATE_LIMIT_WRITES);
    check_family(metrics, &gauges, "parkshare_writes_total",
                 "# HELP parkshare_writes_total Occupancy writes that reached the store, by "
                 "outcome.\n"
                 "# TYPE parkshare_writes_total counter\n"
                 "parkshare_writes_total{outcome=\"ok\"} 0\n"
                 "parkshare_writes_total{outcome=\"replay\"} 0\n"
                 "parkshare_writes_total{outcome=\"clamped\"} 1\n"
                 "parkshare_writes_total{outcome=\"refused\"} 2\n"
                 "parkshare_writes_total{outcome=\"unavailable\"} 0\n");
    check_family(metrics, &gauges, "parkshare_redis_reconnects_total",
                 "# HELP parkshare_redis_reconnects_total Times the Redis link was made whole "
                 "again after it was lost.\n"
                 "# TYPE parkshare_redis_reconnects_total counter\n"
                 "parkshare_redis_reconnects_total 1\n");
    check_family(metrics, &gauges, "parkshare_connections_refused_total",
                 "# HELP parkshare_connections_refused_total Connections and streams refused, "
                 "by the limit they met.\n"
                 "# TYPE parkshare_connections_refused_total counter\n"
                 "parkshare_connections_refused_total{limit=\"max_connections\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"max_connections_per_client\"} 1\n"
                 "parkshare_connections_refused_total{limit=\"max_streams\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"max_streams_per_client\"} 0\n"
                 "parkshare_connections_refused_total{limit=\"descriptors\"} 1\n");
    check_family(metrics, &gauges, "parkshare_rate_limited_total",
                 "# HELP parkshare_rate_limited_total Requests answered 429, by the rate limit "
                 "they met.\n"
                 "# TYPE parkshare_rate_limited_total counter\n"
                 "parkshare_rate_limited_total{limit=\"writes\"} 0\n"
                 "parkshare_rate_limited_total{limit=\"admin_writes\"} 0\n"
                 "parkshare_rate_limited_total{limit=\"auth_failures\"} 1\n");
    metrics_free(metrics);
}

static void test_label_values_are_escaped(void)
{
    struct metrics *metrics = metrics_new("2.0 \"rc\\1\"\nx");
    struct metrics_gauges gauges = {0};
    size_t route = 0;

    CHECK_INT_EQ(metrics_add_route(metrics, "/a\"b\\c", &route), 0);
    metrics_count_request(metrics, route, METRICS_METHOD_POST, 201);
    check_family(metrics, &gauges, "parkshare_build_info",
                 "# HELP parkshare_build_info The daemon's version (always 1).\n"
                 "# TYPE parkshare_build_info gauge\n"
                 "parkshare_build_info{version=\"2.0 \\\"rc\\\\1\\\"\\nx\"} 1\n");
    check_family(metrics, &gauges, "parkshare_http_requests_total",
                 "# HELP parkshare_http_requests_total HTTP requests answered, by route "
                 "template, method and status.\n"
                 "# TYPE parkshare_http_requests_total counter\n"
                 "parkshare_http_requests_total{route=\"/a\\\"b\\\\c\",method=\"POST\","
                 "status=\"201\"} 1\n");
    metrics_free(metrics);
}

static void test_routes_are_bounded(void)
{
    struct metrics *metrics = metrics_new("1");
    char pattern[32];
    size_t slot = 0;
    int result = 0;

    for (int i = 0; i < METRICS_MAX_ROUTES && result == 0; i++) {
        snprintf(pattern, sizeof(pattern), "/r%d", i);
        result = metrics_add_route(metrics, pattern, &slot);
    }
    CHECK_INT_EQ(result, 0);
    CHECK_INT_EQ(slot, METRICS_MAX_ROUTES);
    CHECK_INT_EQ(metrics_add_route(metrics, "/one-too-many", &slot), METRICS_ERROR_FULL);
    CHECK_INT_EQ(metrics_add_route(metrics, "/r3", &slot), 0); /* known ones still resolve */
    CHECK_INT_EQ(slot, 4);
    metrics_free(metrics);
}

/* A thread's own registry has the same route slots and adds into the main one exactly. */
static void test_sibling_counts_add_into_the_model(void)
{
    struct metrics *main_registry = metrics_new("1"), *worker;
    struct metrics_gauges gauges = {0};
    size_t lots = 0, health = 0, worker_lots = 99;

    CHECK_INT_EQ(metrics_add_route(main_registry, "/healthz", &health), 0);
    CHECK_INT_EQ(metrics_add_route(main_registry, "/v1/lots/{id}", &lots), 0);
    worker = metrics_new_sibling(main_registry);
    CHECK(worker != NULL);
    CHECK_INT_EQ(metrics_add_route(worker, "/v1/lots/{id}", &worker_lots), 0);
    CHECK_INT_EQ(worker_lots, lots);
    metrics_count_request(main_registry, lots, METRICS_METHOD_GET, 200);
    metrics_count_request(worker, lots, METRICS_METHOD_GET, 200);
    metrics_count_request(worker, lots, METRICS_METHOD_GET, 304);
    metrics_count_refusal(worker, METRICS_LIMIT_MAX_CONNECTIONS_PER_CLIENT);
    metrics_add_counts(main_registry, worker, true);
    /* Cleared: adding again adds nothing. */
    metrics_add_counts(main_registry, worker, true);
    check_family(main_registry, &gauges, "parkshare_http_requests_total",
                 "# HELP parkshare_http_requests_total HTTP requests answered, by route "
                 "template, method and status.\n"
                 "# TYPE parkshare_http_requests_total counter\n"
                 "parkshare_http_requests_total{route=\"/v1/lots/{id}\",method=\"GET\","
                 "status=\"200\"} 2\n"
                 "parkshare_http_requests_total{route=\"/v1/lots/{id}\",method=\"GET\","
                 "status=\"304\"} 1\n");
    metrics_free(worker);
    metrics_free(main_registry);
}

int main(void)
{
    RUN_TEST(test_a_new_registry_renders_every_family);
    RUN_TEST(test_requests_count_by_route_method_and_status);
    RUN_TEST(test_histogram_buckets_are_cumulative);
    RUN_TEST(test_scripts_are_named_and_timed);
    RUN_TEST(test_fixed_counters_move_by_one);
    RUN_TEST(test_label_values_are_escaped);
    RUN_TEST(test_routes_are_bounded);
    RUN_TEST(test_sibling_counts_add_into_the_model);
    return check_exit_status();
}
