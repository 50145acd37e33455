/* config.h: the daemon's configuration, parsed from text; pure, no I/O. */
#ifndef PARKSHARE_CONFIG_H
#define PARKSHARE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Expected failures of this module; the error text names the cause. */
enum config_error {
    CONFIG_ERROR_UNKNOWN_KEY = -1, /* no such key */
    CONFIG_ERROR_BAD_VALUE = -2,   /* the value breaks the key's rule */
    CONFIG_ERROR_SYNTAX = -3,      /* a line that is not "key value" */
    CONFIG_ERROR_DUPLICATE = -4,   /* a key set twice in one file */
    CONFIG_ERROR_NO_MEMORY = -5,
};

enum config_redis_mode {
    CONFIG_REDIS_EMBEDDED = 0, /* start and supervise a private redis-server */
    CONFIG_REDIS_TCP,          /* redis://[user:password@]host[:port][/db] */
    CONFIG_REDIS_UNIX,         /* unix:/path/to/socket */
    CONFIG_REDIS_SENTINEL,     /* sentinel://[[user]:password@]host[:port],.../master[/db] */
};

/* At most this many sentinels in a sentinel:// value. */
#define CONFIG_SENTINELS_MAX 8
/* The most event loops `workers` may ask for (0 asks for one per core, this at most). */
#define CONFIG_WORKERS_MAX 64

/* One sentinel's address; host is owned by the struct that holds it. */
struct config_sentinel {
    char *host;
    uint16_t port;
};

enum config_log_format {
    CONFIG_LOG_TEXT = 0,
    CONFIG_LOG_JSON,
};

/* Every value here is owned by the struct and released by config_free. */
struct config {
    char *listen_host; /* numeric address or host name to bind */
    uint16_t listen_port;

    enum config_redis_mode redis_mode;
    char *redis_host;          /* TCP mode */
    uint16_t redis_port;       /* TCP mode */
    int redis_database;        /* TCP and unix modes; SELECT after connect */
    char *redis_username;      /* TCP mode, optional; NULL when absent */
    char *redis_password;      /* TCP mode, optional; a secret, never logged */
    char *redis_password_file; /* read at start into redis_password; NULL for none */
    char *redis_socket;        /* unix mode */
    /* Sentinel mode: the sentinels asked, in turn, for the master named redis_master_name. */
    struct config_sentinel redis_sentinels[CONFIG_SENTINELS_MAX];
    size_t redis_sentinel_count;
    char *redis_master_name;
    char *redis_server;      /* embedded mode: the redis-server program */
    bool redis_fsync_always; /* embedded mode: appendfsync always/everysec */

    char *data_dir;
    char *timezone;
    char *web_root;
    char *calendar_dir; /* <id>.json calendars loaded at start */
    char *leaflet_dir; /* Leaflet's files (Debian's libjs-leaflet), served under /assets/leaflet/ */
    char *map_tiles;   /* a tile URL template for the driver's map; NULL for none */
    char *map_attribution;   /* the tiles' attribution text; NULL for none */
    char *sign_unknown_text; /* totals.txt when no selected open lot has a fresh count */
    int64_t stale_after_seconds;
    int64_t max_body_bytes;
    int64_t idempotency_ttl_seconds;
    int64_t shutdown_timeout_seconds;
    int64_t idle_timeout_seconds; /* for a request body, and between keep-alive requests */
    int64_t audit_max_length;
    int64_t header_timeout_seconds; /* a whole request head must arrive within it */
    int64_t max_connections;        /* lowered at start below the descriptor limit */
    int64_t max_connections_per_client;
    int64_t max_streams; /* event streams and long polls together */
    int64_t max_streams_per_client;
    int64_t rate_limit_writes; /* per second per token; 0: off */
    int64_t rate_limit_burst;
    int64_t rate_limit_admin;              /* per second per admin token; 0: off */
    int64_t auth_failures_per_minute;      /* per client address; 0: off */
    char *trusted_proxies;                 /* addresses and CIDR blocks; NULL for none */
    char *metrics_allow;                   /* who may read /metrics without a token; NULL: none */
    char *cors_origins;                    /* origins allowed to call the API; "*" for any */
    int64_t closure_max_open_seconds;      /* a closure announced with no end expires after it */
    int64_t history_days;                  /* how long count history is kept */
    int64_t write_replicas;                /* replicas that must confirm a write (WAIT); 0: none */
    int64_t write_replica_timeout_seconds; /* how long a write waits for them */
    int64_t stream_buffer_bytes;           /* a stream client with more waiting is dropped */
    int64_t workers; /* event loops, each on a thread; 0: one per core the daemon may use */
    char *demo_path; /* demo lots loaded into an empty store; NULL for none */
    char *log_file;  /* reopened on SIGHUP; NULL: standard error */
    int log_level;   /* an enum log_level value */
    enum config_log_format log_format;
};

/* A configuration holding every key's default; NULL when out of memory. */
struct config *config_new(void);

/* Release a configuration and everything it owns; accepts NULL. */
void config_free(struct config *config);

/*
 * Set one key from its textual value, as it would appear in the file.
 * On failure returns a config_error and writes the reason (without a
 * location) into error; the configuration is unchanged.
 */
int config_set(struct config *config, const char *key, const char *value, char *error,
               size_t error_size);

/*
 * Apply the lines of a configuration file (text of length bytes, named
 * source in messages). On failure returns a config_error and writes
 * "source:line: reason" into error; lines before the bad one stay applied,
 * so callers discard the configuration on error.
 */
int config_load_text(struct config *config, const char *source, const char *text, size_t length,
                     char *error, size_t error_size);

/*
 * Apply PARKSHARE_<KEY> variables from environment (a NULL-terminated
 * "NAME=value" array such as environ). Variables that name no key are
 * ignored, so the client's PARKSHARE_URL and PARKSHARE_TOKEN can share a
 * shell. On failure: "environment PARKSHARE_KEY: reason".
 */
int config_apply_environment(struct config *config, char *const *environment, char *error,
                             size_t error_size);

/* Apply one "key=value" from --set. On failure: "--set key=value: reason". */
int config_apply_assignment(struct config *config, const char *assignment, char *error,
                            size_t error_size);

/* The number of keys, and the name of key index (0 <= index < count). */
size_t config_key_count(void);
const char *config_key_name(size_t index);

#endif
