/* main.c: parkshare-server start-up, signals and shutdown: it wires the modules together. */
#include "api_forecast.h"
#include "api_metrics.h"
#include "api_stream.h"
#include "api_totals.h"
#include "api_web.h"
#include "bootstrap.h"
#include "calendar.h"
#include "clock.h"
#include "command_line.h"
#include "config.h"
#include "config_check.h"
#include "data_dir.h"
#include "endpoint.h"
#include "feed_parkapi.h"
#include "feed_slots.h"
#include "forecast_refresh.h"
#include "http.h"
#include "http_slots.h"
#include "log.h"
#include "log_file.h"
#include "lot_names.h"
#include "notify.h"
#include "opening.h"
#include "redis_child.h"
#include "routes.h"
#include "secret_file.h"
#include "snapshot.h"
#include "snapshot_sync.h"
#include "store.h"
#include "token.h"
#include "token_memo.h"
#include "workers.h"

#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char component[] = "main";

/* Everything the daemon owns; only main.c sees all of it. */
struct daemon {
    struct config *config;
    struct event_base *base;
    struct data_dir *data_dir;
    struct redis_child *redis_child;
    struct store *store;
    struct opening *opening;
    struct snapshot *snapshot;
    struct snapshot_sync *sync;
    struct bootstrap *bootstrap;
    struct endpoint_context api;
    struct forecast_refresh *forecast_refresh; /* each lot's trend for the feeds */
    struct http_server *http;
    struct http_slots *slots; /* shared by every loop's listener; NULL with one loop */
    struct workers *workers;  /* the other loops; NULL with one */
    struct routes *routes;
    struct event *sigint_event;
    struct event *sigterm_event;
    struct event *sighup_event;
    struct event *shutdown_timer;
    struct notify *notify; /* the service manager, when one listens */
    bool stopping;
};

/* Answers are written by the loop after they are queued: give the last ones
 * a moment to leave before the connections close. */
static const struct timeval flush_grace = {0, 100000};

static void on_drained(void *data)
{
    struct daemon *daemon = data;
    log_info(component, "no request in flight; stopping");
    event_base_loopexit(daemon->base, &flush_grace);
}

static void on_shutdown_timeout(evutil_socket_t fd, short events, void *data)
{
    struct daemon *daemon = data;
    log_warning(component, "%zu request(s) still in flight after %lld s; closing them",
                http_server_in_flight(daemon->http),
                (long long)daemon->config->shutdown_timeout_seconds);
    event_base_loopexit(daemon->base, NULL);
}

static void on_stop_signal(evutil_socket_t signal_number, short events, void *data)
{
    struct daemon *daemon = data;
    struct timeval bound = {daemon->config->shutdown_timeout_seconds, 0};

    if (daemon->stopping) {
        log_warning(component, "second signal %d: stopping now", (int)signal_number);
        event_base_loopbreak(daemon->base);
        return;
    }
    daemon->stopping = true;
    notify_stopping(daemon->notify);
    log_info(component, "signal %d: no new connections; finishing requests in flight",
             (int)signal_number);
    evtimer_add(daemon->shutdown_timer, &bound);
    /* Long polls are answered now, so a sign never holds the daemon up. */
    api_totals_release(daemon->api.totals);
    api_stream_close_all(daemon->api.stream);
    workers_begin_shutdown(daemon->workers);
    http_server_begin_shutdown(daemon->http, on_drained, daemon);
}

static void on_store_ready(bool ready, void *data)
{
    struct daemon *daemon = data;
    if (!ready)
        log_info(component, "not ready: waiting for Redis");
    /* Reads go on from the snapshot while Redis is away, marked stale. */
    snapshot_set_stale(daemon->snapshot, !ready, clock_now_ms());
    workers_lots_changed(daemon->workers, NULL);
    api_totals_changed(daemon->api.totals);
    /* Bootstrap first: its seeds reach Redis before the sync's loads read. */
    if (ready)
        bootstrap_on_ready(daemon->bootstrap);
    snapshot_sync_on_ready(ready, daemon->sync);
}

/* READY=1 once /readyz would answer 200: Redis is up and the lots are loaded. */
static void tell_if_ready(struct daemon *daemon)
{
    if (store_is_ready(daemon->store) && snapshot_sync_is_ready(daemon->sync))
        notify_ready(daemon->notify);
}

/* A lot changed state (by a write, by the clock, or a load): signs see it next. */
static void on_lots_changed(const char *id, void *data)
{
    struct daemon *daemon = data;
    /* First: a write's answer goes out after this, and a read on any loop must see it. */
    workers_lots_changed(daemon->workers, id);
    tell_if_ready(daemon);
    api_totals_changed(daemon->api.totals);
    api_stream_lot_changed(daemon->api.stream, id);
}

static void on_store_change(const char *message, size_t length, void *data)
{
    struct daemon *daemon = data;
    snapshot_sync_on_message(message, length, daemon->sync);
}

/* Thousands of signs keep streams open: take every descriptor the system allows. */
static void raise_descriptor_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
            log_warning(component, "cannot raise the descriptor limit: %s", strerror(errno));
    }
}

/*
 * Descriptors kept back from client connections: the Redis links, the
 * embedded Redis child's pipes, the state directory's lock, token and
 * calendar files, the log, the event loop's own.
 */
#define DESCRIPTOR_RESERVE 32

/*
 * max_connections, lowered below the descriptor limit with the reserve
 * kept back, so the limit is never what refuses a client (logged once).
 */
static size_t connection_cap(int64_t configured)
{
    struct rlimit limit;
    size_t cap = (size_t)configured, room;

    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return cap;
    room = limit.rlim_cur > 2 * DESCRIPTOR_RESERVE ? (size_t)limit.rlim_cur - DESCRIPTOR_RESERVE
                                                   : (size_t)limit.rlim_cur / 2;
    if (room < cap) {
        log_warning(component,
                    "max_connections lowered from %zu to %zu: the descriptor limit is %llu "
                    "and %d are kept for Redis, files and logs (raise ulimit -n)",
                    cap, room, (unsigned long long)limit.rlim_cur, DESCRIPTOR_RESERVE);
        cap = room;
    }
    return cap;
}

static int prepare_admin_token(const struct data_dir *dir)
{
    char path[PATH_MAX], error[512];
    bool created = false;

    if (data_dir_file(dir, "admin.token", path, sizeof(path)) != 0 ||
        token_ensure_admin_file(path, &created, error, sizeof(error)) != 0) {
        log_error(component, "admin token: %s", error);
        return -1;
    }
    log_info(component, "%s admin token: %s", created ? "created the" : "the", path);
    return 0;
}

/*
 * The store's target: the embedded child's socket, or the configured Redis
 * (sentinel mode: the sentinels, written into sentinels, CONFIG_SENTINELS_MAX long).
 */
static void store_options_from(const struct daemon *daemon, struct store_options *options,
                               struct store_sentinel_host *sentinels)
{
    const struct config *config = daemon->config;
    memset(options, 0, sizeof(*options));
    options->database = config->redis_database;
    options->idempotency_ttl_seconds = config->idempotency_ttl_seconds;
    options->audit_max_length = config->audit_max_length;
    options->write_replicas = config->write_replicas;
    options->write_replica_timeout_ms = config->write_replica_timeout_seconds * 1000;
    for (size_t i = 0; i < config->redis_sentinel_count; i++)
        sentinels[i] = (struct store_sentinel_host){config->redis_sentinels[i].host,
                                                    config->redis_sentinels[i].port};
    options->sentinels = sentinels;
    options->sentinel_count = config->redis_sentinel_count;
    options->master_name = config->redis_master_name;
    options->history_days = config->history_days;
    if (config->redis_mode == CONFIG_REDIS_EMBEDDED) {
        options->socket_path = redis_child_socket_path(daemon->redis_child);
        options->database = 0;
        if (config->write_replicas > 0)
            log_warning(component, "write_replicas is not used: the embedded Redis has no "
                                   "replicas to confirm writes");
        options->write_replicas = 0;
    } else if (config->redis_mode == CONFIG_REDIS_UNIX) {
        options->socket_path = config->redis_socket;
        options->password = config->redis_password; /* from redis_password_file */
    } else {
        options->host = config->redis_host;
        options->port = config->redis_port;
        options->username = config->redis_username;
        options->password = config->redis_password;
    }
}

static int start_redis(struct daemon *daemon)
{
    struct redis_child_options child_options = {
        .program = daemon->config->redis_server,
        .directory = data_dir_path(daemon->data_dir),
        .fsync_always = daemon->config->redis_fsync_always,
    };
    struct store_options store_options;
    struct store_sentinel_host sentinels[CONFIG_SENTINELS_MAX];
    char error[1024];

    if (daemon->config->redis_mode == CONFIG_REDIS_EMBEDDED &&
        redis_child_new(daemon->base, &child_options, &daemon->redis_child, error, sizeof(error)) !=
            0) {
        log_error(component, "embedded Redis: %s", error);
        return -1;
    }
    store_options_from(daemon, &store_options, sentinels);
    /* The store reports through main's callbacks, which route to the sync and
     * the bootstrap created right after it: no callback runs before the loop. */
    if (store_new(daemon->base, &store_options, on_store_ready, on_store_change, daemon,
                  &daemon->store) != 0 ||
        snapshot_sync_new(daemon->base, daemon->store, daemon->snapshot, daemon->opening,
                          on_lots_changed, daemon, &daemon->sync) != 0) {
        log_error(component, "out of memory");
        return -1;
    }
    if (bootstrap_new(daemon->store, daemon->data_dir, daemon->config->calendar_dir,
                      daemon->config->demo_path, &daemon->bootstrap, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    /* The endpoint modules with state of their own join it in start_http. */
    daemon->api = (struct endpoint_context){.store = daemon->store,
                                            .snapshot = daemon->snapshot,
                                            .sync = daemon->sync,
                                            .opening = daemon->opening,
                                            .timezone = daemon->config->timezone,
                                            .sign_unknown_text = daemon->config->sign_unknown_text,
                                            .tokens_seen = token_memo_new(4096),
                                            .feed_numbers = feed_numbers_new(),
                                            .feed_documents = feed_slots_new(NULL, NULL),
                                            .lot_names = lot_names_new(),
                                            .metrics = metrics_new(PARKSHARE_VERSION),
                                            .closure_max_open_ms =
                                                daemon->config->closure_max_open_seconds * 1000};
    if (daemon->api.tokens_seen == NULL || daemon->api.feed_numbers == NULL ||
        daemon->api.feed_documents == NULL || daemon->api.lot_names == NULL ||
        daemon->api.metrics == NULL || store_set_metrics(daemon->store, daemon->api.metrics) != 0) {
        log_error(component, "out of memory");
        return -1;
    }
    return 0;
}

/*
 * `workers`: 0 asks for one loop per core this process may run on (its
 * affinity: taskset, a cgroup's cpuset), within CONFIG_WORKERS_MAX.
 */
static size_t event_loops(int64_t configured)
{
    cpu_set_t allowed;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);

    if (configured > 0)
        return (size_t)configured;
    if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
        cores = CPU_COUNT(&allowed);
    if (cores < 1)
        return 1;
    return cores > CONFIG_WORKERS_MAX ? CONFIG_WORKERS_MAX : (size_t)cores;
}

/* Several loops: one count of connections and streams for all, on one port each. */
static int share_slots(struct daemon *daemon, struct http_options *options)
{
    daemon->slots = http_slots_new(
        (struct client_slots_caps){options->max_connections, options->max_connections_per_client},
        (struct client_slots_caps){options->max_streams, options->max_streams_per_client}, true);
    if (daemon->slots == NULL) {
        log_error(component, "out of memory");
        return -1;
    }
    options->shared_slots = daemon->slots;
    options->reuse_port = true;
    return 0;
}

static int start_workers(struct daemon *daemon, const struct http_options *options, size_t loops)
{
    struct workers_options settings = {.count = loops - 1,
                                       .http = options,
                                       .host = daemon->config->listen_host,
                                       .owner_base = daemon->base,
                                       .owner = daemon->http,
                                       .owner_metrics = daemon->api.metrics,
                                       .snapshot = daemon->snapshot};
    char error[512];

    if (workers_new(&settings, &daemon->workers, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    api_metrics_gather(daemon->api.metrics_endpoint, workers_gather_metrics, daemon->workers);
    api_totals_publish(daemon->api.totals, workers_totals_published, daemon->workers);
    log_info(component, "%zu event loops: this one and %zu worker(s)", loops, loops - 1);
    return 0;
}

static int start_http(struct daemon *daemon)
{
    struct http_options options = {
        .max_body_bytes = daemon->config->max_body_bytes,
        .write_rate = daemon->config->rate_limit_writes,
        .write_burst = daemon->config->rate_limit_burst,
        .admin_write_rate = daemon->config->rate_limit_admin,
        .auth_failures_per_minute = daemon->config->auth_failures_per_minute,
        .trusted_proxies = daemon->config->trusted_proxies,
        .cors_origins = daemon->config->cors_origins,
        .idle_timeout_seconds = daemon->config->idle_timeout_seconds,
        .header_timeout_seconds = daemon->config->header_timeout_seconds,
        .max_connections = connection_cap(daemon->config->max_connections),
        .max_connections_per_client = (size_t)daemon->config->max_connections_per_client,
        .max_streams = (size_t)daemon->config->max_streams,
        .max_streams_per_client = (size_t)daemon->config->max_streams_per_client,
        .metrics = daemon->api.metrics};
    size_t loops = event_loops(daemon->config->workers);
    char error[512];

    if (api_forecast_new(&daemon->api.forecast) != 0 ||
        forecast_refresh_new(daemon->base, &daemon->api, &daemon->forecast_refresh) != 0) {
        log_error(component, "cannot set up the forecasts");
        return -1;
    }
    if (api_totals_new(daemon->base, &daemon->api, &daemon->api.totals) != 0) {
        log_error(component, "cannot set up the totals endpoints");
        return -1;
    }
    if (api_stream_new(daemon->base, &daemon->api, (size_t)daemon->config->stream_buffer_bytes,
                       &daemon->api.stream) != 0) {
        log_error(component, "cannot set up the stream endpoint");
        return -1;
    }
    if (api_web_new(daemon->config, &daemon->api.web, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    if (api_metrics_new(daemon->config->metrics_allow, &daemon->api.metrics_endpoint, error,
                        sizeof(error)) != 0) {
        log_error(component, "metrics_allow: %s", error);
        return -1;
    }
    if (loops > 1 && share_slots(daemon, &options) != 0)
        return -1;
    if (http_server_new(daemon->base, &options, &daemon->http) != 0 ||
        routes_new(daemon->http, &daemon->api, &daemon->routes) != 0) {
        log_error(component, "cannot set up the HTTP server");
        return -1;
    }
    api_metrics_watch(daemon->api.metrics_endpoint, daemon->http);
    if (http_server_listen(daemon->http, daemon->config->listen_host, daemon->config->listen_port,
                           NULL, 0, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    return loops > 1 ? start_workers(daemon, &options, loops) : 0;
}

/*
 * SIGHUP: the log file reopened first (so logrotate's new file has the
 * line that follows), then the shipped calendars and the web pages read
 * again; whatever fails keeps what was there and says why. Never exits.
 */
static void on_reload_signal(evutil_socket_t signal_number, short events, void *data)
{
    struct daemon *daemon = data;
    const char *log_outcome = "log on standard error";
    struct bootstrap_reload calendars;
    char error[1024];
    int web_result;

    if (daemon->config->log_file != NULL) {
        log_outcome = "log reopened";
        if (log_file_open(daemon->config->log_file, error, sizeof(error)) != 0) {
            log_warning(component, "%s; logging on to the file open before", error);
            log_outcome = "log not reopened";
        }
    }
    bootstrap_reload_calendars(daemon->bootstrap, daemon->config->calendar_dir, &calendars);
    web_result = api_web_reload(daemon->api.web, daemon->config, error, sizeof(error));
    if (web_result != 0)
        log_warning(component, "%s; the pages read before are kept", error);
    log_info(component, "reloaded: %zu calendar%s (%zu changed%s), %zu page%s%s, %s",
             calendars.calendars, calendars.calendars == 1 ? "" : "s", calendars.changed,
             calendars.kept > 0 ? ", a bad file's previous version kept" : "",
             api_web_page_count(daemon->api.web),
             api_web_page_count(daemon->api.web) == 1 ? "" : "s",
             web_result != 0 ? " (kept from before)" : "", log_outcome);
}

static int watch_signals(struct daemon *daemon)
{
    daemon->sigint_event = evsignal_new(daemon->base, SIGINT, on_stop_signal, daemon);
    daemon->sigterm_event = evsignal_new(daemon->base, SIGTERM, on_stop_signal, daemon);
    daemon->sighup_event = evsignal_new(daemon->base, SIGHUP, on_reload_signal, daemon);
    daemon->shutdown_timer = evtimer_new(daemon->base, on_shutdown_timeout, daemon);
    if (daemon->sigint_event == NULL || daemon->sigterm_event == NULL ||
        daemon->sighup_event == NULL || daemon->shutdown_timer == NULL ||
        event_add(daemon->sigint_event, NULL) != 0 || event_add(daemon->sigterm_event, NULL) != 0 ||
        event_add(daemon->sighup_event, NULL) != 0) {
        log_error(component, "cannot watch SIGINT, SIGTERM and SIGHUP");
        return -1;
    }
    return 0;
}

/*
 * Tear down in dependency order: the store first, so commands still pending
 * get their NULL reply while the HTTP exchanges waiting on them still exist;
 * then HTTP; then the Redis child, which flushes its append-only file.
 */
static void daemon_deinit(struct daemon *daemon)
{
    /* The workers first: they hand connections to the owner's server and read the view. */
    if (daemon->workers != NULL && daemon->api.totals != NULL)
        api_totals_publish(daemon->api.totals, NULL, NULL);
    workers_free(daemon->workers);
    store_free(daemon->store);
    bootstrap_free(daemon->bootstrap);
    snapshot_sync_free(daemon->sync);
    api_stream_free(daemon->api.stream);
    api_totals_free(daemon->api.totals);
    forecast_refresh_free(daemon->forecast_refresh);
    api_forecast_free(daemon->api.forecast);
    token_memo_free(daemon->api.tokens_seen);
    feed_numbers_free(daemon->api.feed_numbers);
    feed_slots_free(daemon->api.feed_documents);
    lot_names_free(daemon->api.lot_names);
    http_server_free(daemon->http);
    http_slots_free(daemon->slots);
    routes_free(daemon->routes);
    api_metrics_free(daemon->api.metrics_endpoint);
    metrics_free(daemon->api.metrics);
    api_web_free(daemon->api.web);
    notify_free(daemon->notify);
    snapshot_free(daemon->snapshot);
    opening_free(daemon->opening);
    redis_child_free(daemon->redis_child);
    if (daemon->sigint_event != NULL)
        event_free(daemon->sigint_event);
    if (daemon->sigterm_event != NULL)
        event_free(daemon->sigterm_event);
    if (daemon->sighup_event != NULL)
        event_free(daemon->sighup_event);
    if (daemon->shutdown_timer != NULL)
        event_free(daemon->shutdown_timer);
    data_dir_free(daemon->data_dir);
    if (daemon->base != NULL)
        event_base_free(daemon->base);
    config_free(daemon->config);
}

/*
 * Everything the daemon and its embedded Redis create (data_dir, tokens,
 * the append-only files, the socket, the log file) is the daemon user's
 * alone; the Redis child inherits this mask.
 */
static void keep_new_files_private(void)
{
    umask(077);
}

/* log_file, when set, replaces standard error from here on. Returns 0 or -1. */
static int open_log_file(const struct config *config)
{
    char error[1024];

    if (config->log_file == NULL)
        return 0;
    if (log_file_open(config->log_file, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    return 0;
}

/* redis_password_file, when set, replaces a password from the redis URL. Returns 0 or -1. */
static int read_redis_password(struct config *config)
{
    char error[1024], *password = NULL;

    if (config->redis_password_file == NULL)
        return 0;
    if (config->redis_mode == CONFIG_REDIS_EMBEDDED) {
        log_warning(component, "redis_password_file is not used: the embedded Redis has no "
                               "password (only the daemon's user can reach its socket)");
        return 0;
    }
    if (secret_file_read(config->redis_password_file, "redis_password_file", &password, error,
                         sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    if (config->redis_password != NULL) {
        log_info(component, "the Redis password from redis_password_file replaces the URL's");
        explicit_bzero(config->redis_password, strlen(config->redis_password));
        free(config->redis_password);
    }
    config->redis_password = password;
    return 0;
}

/* journald reads a priority at the start of each line when standard error is its stream. */
static void mark_priorities_for_journal(void)
{
    struct stat status;
    bool journal =
        fstat(STDERR_FILENO, &status) == 0 &&
        log_journal_stream_matches(getenv("JOURNAL_STREAM"), status.st_dev, status.st_ino);
    log_set_priority_prefix(journal);
}

/* --check-config, like nginx -t: one line, and the status a bad configuration has. */
static int check_configuration(struct config *config)
{
    char error[1024];
    int status = EXIT_SUCCESS;

    if (config_check(config, error, sizeof(error)) != 0) {
        fprintf(stderr, "parkshare-server: %s\n", error);
        status = EXIT_USAGE;
    } else {
        printf("configuration ok\n");
    }
    config_free(config);
    return status;
}

/* The service manager's socket, when it gave one (NOTIFY_SOCKET). Returns 0 or -1. */
static int start_notify(struct daemon *daemon)
{
    char error[512];

    if (notify_new(daemon->base, &daemon->notify, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        return -1;
    }
    return 0;
}

/*
 * Hidden --list-routes (alone): print the route table and exit, reading no
 * configuration; for operators writing proxy rules, and for the test that
 * checks the OpenAPI document against the routes. Returns whether it ran.
 */
static bool list_routes_asked(int argc, char **argv, int *status)
{
    if (argc != 2 || strcmp(argv[1], "--list-routes") != 0)
        return false;
    *status = routes_print(stdout) == 0 ? EXIT_SUCCESS : EXIT_RUNTIME_FAILURE;
    return true;
}

int main(int argc, char **argv)
{
    struct daemon daemon = {0};
    enum command_line_action action;
    char error[1024];
    int status;

    if (list_routes_asked(argc, argv, &status))
        return status;
    status = command_line_load(argc, argv, &action, &daemon.config);
    if (status != 0 || action == COMMAND_LINE_DONE)
        return status;
    log_setup((enum log_level)daemon.config->log_level,
              daemon.config->log_format == CONFIG_LOG_JSON ? LOG_FORMAT_JSON : LOG_FORMAT_TEXT);
    mark_priorities_for_journal();
    if (action == COMMAND_LINE_CHECK_CONFIG)
        return check_configuration(daemon.config);
    /* A client that hangs up mid-answer must cost an EPIPE, not the process. */
    signal(SIGPIPE, SIG_IGN);
    raise_descriptor_limit();

    status = EXIT_RUNTIME_FAILURE;
    keep_new_files_private();
    if (open_log_file(daemon.config) != 0 || read_redis_password(daemon.config) != 0)
        goto deinit;
    mark_priorities_for_journal(); /* log_file may have replaced standard error */
    if (data_dir_open(daemon.config->data_dir, &daemon.data_dir, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        goto deinit;
    }
    daemon.base = workers_event_base_new(false, event_loops(daemon.config->workers) > 1);
    if (daemon.base == NULL) {
        log_error(component, "cannot create the event loop");
        goto deinit;
    }
    if (start_notify(&daemon) != 0)
        goto deinit;
    /* Every local time is the deployment's: libc's zone is set once, here,
     * before anything reads the clock, and never changes afterwards. */
    if (setenv("TZ", daemon.config->timezone, 1) != 0) {
        log_error(component, "cannot set the timezone");
        goto deinit;
    }
    tzset();
    daemon.opening = opening_new();
    if (daemon.opening == NULL) {
        log_error(component, "out of memory");
        goto deinit;
    }
    daemon.snapshot = snapshot_new(&(struct snapshot_options){
        daemon.config->stale_after_seconds * 1000, opening_for_snapshot(daemon.opening)});
    if (daemon.snapshot == NULL) {
        log_error(component, "out of memory");
        goto deinit;
    }
    if (prepare_admin_token(daemon.data_dir) != 0 || start_redis(&daemon) != 0 ||
        start_http(&daemon) != 0 || watch_signals(&daemon) != 0)
        goto deinit;
    log_info(component, "parkshare-server %s started (pid %d)", PARKSHARE_VERSION, (int)getpid());
    if (event_base_dispatch(daemon.base) < 0) {
        log_error(component, "the event loop failed");
        goto deinit;
    }
    status = EXIT_SUCCESS;
deinit:
    daemon_deinit(&daemon);
    if (status == EXIT_SUCCESS)
        log_info(component, "stopped");
    return status;
}
