/* config.c: the daemon's configuration, parsed from text; pure, no I/O. */
#include "config.h"

#include "client_address.h"
#include "config_value.h"
#include "cors.h"
#include "log.h"
#include "redact.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config_key;
typedef int (*config_setter)(struct config *config, const struct config_key *key, const char *value,
                             char *error, size_t error_size);

/* One row per key: the single source of names, defaults and rules. */
struct config_key {
    const char *name;
    const char *default_value;
    config_setter set;
    size_t offset; /* of the field in struct config, for the generic setters */
    int64_t min;
    int64_t max;
};

static int replace_string(char **slot, const char *value, size_t length, char *error,
                          size_t error_size)
{
    char *copy = strndup(value, length);
    if (copy == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    free(*slot);
    *slot = copy;
    return 0;
}

static int set_string(struct config *config, const struct config_key *key, const char *value,
                      char *error, size_t error_size)
{
    if (value[0] == '\0')
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE, "%s must not be empty",
                                 key->name);
    if (text_has_control(value, false))
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "%s must not contain control characters", key->name);
    return replace_string((char **)((char *)config + key->offset), value, strlen(value), error,
                          error_size);
}

/* The suffixes a kind of number may carry, and what the error calls it. */
struct units {
    const char *const *names;
    const int64_t *factors;
    size_t count;
    const char *what;
};

static const char *const second_names[] = {"s", "m", "h", "d"};
static const int64_t second_factors[] = {1, 60, 3600, 86400};
static const struct units seconds_units = {
    second_names, second_factors, 4, "a duration (whole seconds, or a number with s, m, h or d)"};

static const char *const byte_names[] = {"k", "K", "m", "M"};
static const int64_t byte_factors[] = {1024, 1024, 1048576, 1048576};
static const struct units bytes_units = {byte_names, byte_factors, 4,
                                         "a size (whole bytes, or a number with k or m)"};

static const struct units count_units = {NULL, NULL, 0, "a whole number"};

/* Parse a whole decimal integer with an optional unit suffix from units. */
static int parse_scaled(const char *value, const struct units *units, int64_t *out)
{
    char *end = NULL;
    long long number;

    if (!isdigit((unsigned char)value[0]))
        return -1;
    errno = 0;
    number = strtoll(value, &end, 10);
    if (errno != 0)
        return -1;
    if (*end == '\0') {
        *out = number;
        return 0;
    }
    for (size_t i = 0; i < units->count; i++) {
        if (strcmp(end, units->names[i]) == 0) {
            if (number > INT64_MAX / units->factors[i])
                return -1;
            *out = number * units->factors[i];
            return 0;
        }
    }
    return -1;
}

static int set_scaled(struct config *config, const struct config_key *key, const char *value,
                      char *error, size_t error_size, const struct units *units)
{
    int64_t number;
    if (parse_scaled(value, units, &number) != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE, "%s: '%s' is not %s",
                                 key->name, value, units->what);
    if (number < key->min || number > key->max)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "%s: %s is out of range (%lld to %lld)", key->name, value,
                                 (long long)key->min, (long long)key->max);
    *(int64_t *)((char *)config + key->offset) = number;
    return 0;
}

static int set_seconds(struct config *config, const struct config_key *key, const char *value,
                       char *error, size_t error_size)
{
    return set_scaled(config, key, value, error, error_size, &seconds_units);
}

static int set_bytes(struct config *config, const struct config_key *key, const char *value,
                     char *error, size_t error_size)
{
    return set_scaled(config, key, value, error, error_size, &bytes_units);
}

static int set_listen(struct config *config, const struct config_key *key, const char *value,
                      char *error, size_t error_size)
{
    const char *host, *port_text;
    size_t host_length;
    uint16_t port;

    if (config_value_split_host_port(value, &host, &host_length, &port_text) != 0 ||
        host_length == 0)
        return config_value_fail(
            error, error_size, CONFIG_ERROR_BAD_VALUE,
            "listen: '%s' is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)", value);
    if (config_value_parse_port(port_text, true, &port) != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "listen: port '%s' is not a number from 0 to 65535", port_text);
    if (replace_string(&config->listen_host, host, host_length, error, error_size) != 0)
        return CONFIG_ERROR_NO_MEMORY;
    config->listen_port = port;
    return 0;
}

/* Free the sentinel mode's addresses and master name. */
static void config_clear_sentinels(struct config *config)
{
    for (size_t i = 0; i < config->redis_sentinel_count; i++)
        free(config->redis_sentinels[i].host);
    config->redis_sentinel_count = 0;
    free(config->redis_master_name);
    config->redis_master_name = NULL;
}

static int set_redis(struct config *config, const struct config_key *key, const char *value,
                     char *error, size_t error_size)
{
    struct config_value_redis target = {0};
    int result = config_value_parse_redis(value, &target, error, error_size);

    if (result != 0)
        return result;
    free(config->redis_host);
    free(config->redis_username);
    free(config->redis_password);
    free(config->redis_socket);
    config_clear_sentinels(config);
    config->redis_mode = target.mode;
    config->redis_host = target.host;
    config->redis_port = target.port;
    config->redis_username = target.username;
    config->redis_password = target.password;
    config->redis_socket = target.socket;
    config->redis_database = target.database;
    memcpy(config->redis_sentinels, target.sentinels, sizeof(target.sentinels));
    config->redis_sentinel_count = target.sentinel_count;
    config->redis_master_name = target.master_name;
    return 0;
}

/* Which of two names value is (0 or 1), or a BAD_VALUE that names both. */
static int parse_either(const struct config_key *key, const char *value, const char *const names[2],
                        int *choice, char *error, size_t error_size)
{
    for (int i = 0; i < 2; i++) {
        if (strcmp(value, names[i]) == 0) {
            *choice = i;
            return 0;
        }
    }
    return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                             "%s: '%s' is not '%s' or '%s'", key->name, value, names[0], names[1]);
}

static int set_redis_appendfsync(struct config *config, const struct config_key *key,
                                 const char *value, char *error, size_t error_size)
{
    static const char *const names[2] = {"always", "everysec"};
    int choice;
    int result = parse_either(key, value, names, &choice, error, error_size);

    if (result == 0)
        config->redis_fsync_always = choice == 0;
    return result;
}

/* An IANA zone name such as Asia/Shanghai; "..", a leading "/" and odd
 * characters are refused because the name becomes a path under zoneinfo. */
static int set_timezone(struct config *config, const struct config_key *key, const char *value,
                        char *error, size_t error_size)
{
    bool valid = value[0] != '\0' && value[0] != '/' && strstr(value, "..") == NULL;
    for (const char *p = value; valid && *p; p++)
        valid = isalnum((unsigned char)*p) || strchr("/_+-", *p) != NULL;
    if (!valid)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "timezone: '%s' is not a zone name such as Asia/Shanghai", value);
    return set_string(config, key, value, error, error_size);
}

/* An optional path: the empty value means none. */
static int set_optional_path(struct config *config, const struct config_key *key, const char *value,
                             char *error, size_t error_size)
{
    char **slot = (char **)((char *)config + key->offset);
    if (value[0] == '\0') {
        free(*slot);
        *slot = NULL;
        return 0;
    }
    return set_string(config, key, value, error, error_size);
}

/* Addresses and CIDR blocks, checked by client_address; empty means none. */
static int set_address_list(struct config *config, const struct config_key *key, const char *value,
                            char *error, size_t error_size)
{
    struct client_address_list *list = NULL;
    char reason[128];
    int result = client_address_list_parse(value, &list, reason, sizeof(reason));
    size_t count = client_address_list_count(list);

    client_address_list_free(list);
    if (result == CLIENT_ADDRESS_ERROR_NO_MEMORY)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    if (result != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE, "%s: %s", key->name,
                                 reason);
    if (count == 0)
        return set_optional_path(config, key, "", error, error_size);
    return replace_string((char **)((char *)config + key->offset), value, strlen(value), error,
                          error_size);
}

/* Origins for CORS, checked by cors: "*" alone or scheme://host[:port] entries; blank is none
 * (NULL: no other origin may call). */
static int set_origin_list(struct config *config, const struct config_key *key, const char *value,
                           char *error, size_t error_size)
{
    struct cors_origins *origins = NULL;
    char reason[256];
    int result = cors_origins_parse(value, &origins, reason, sizeof(reason));

    cors_origins_free(origins);
    if (result == CORS_ERROR_NO_MEMORY)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    if (result != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE, "%s: %s", key->name,
                                 reason);
    if (value[strspn(value, " \t,")] == '\0')
        return set_optional_path(config, key, "", error, error_size);
    return replace_string((char **)((char *)config + key->offset), value, strlen(value), error,
                          error_size);
}

static int set_count(struct config *config, const struct config_key *key, const char *value,
                     char *error, size_t error_size)
{
    return set_scaled(config, key, value, error, error_size, &count_units);
}

static int set_log_level(struct config *config, const struct config_key *key, const char *value,
                         char *error, size_t error_size)
{
    enum log_level level;
    if (log_level_from_name(value, &level) != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "log_level: '%s' is not debug, info, warning or error", value);
    config->log_level = (int)level;
    return 0;
}

static int set_log_format(struct config *config, const struct config_key *key, const char *value,
                          char *error, size_t error_size)
{
    static const char *const names[2] = {[CONFIG_LOG_TEXT] = "text", [CONFIG_LOG_JSON] = "json"};
    int choice;
    int result = parse_either(key, value, names, &choice, error, error_size);

    if (result == 0)
        config->log_format = (enum config_log_format)choice;
    return result;
}

#define FIELD(name) offsetof(struct config, name)

/* The installation's directories, from the prefix chosen at build time (meson.build). */
#ifndef PARKSHARE_DATADIR
#error "PARKSHARE_DATADIR (prefix/share/parkshare) must be defined by the build"
#endif
#ifndef PARKSHARE_STATEDIR
#error "PARKSHARE_STATEDIR (localstatedir/lib/parkshare) must be defined by the build"
#endif

/* Keep in step with config/parkshare.conf, which documents each key. */
static const struct config_key config_keys[] = {
    {"listen", "127.0.0.1:8080", set_listen, 0, 0, 0},
    {"redis", "embedded", set_redis, 0, 0, 0},
    {"redis_server", "redis-server", set_string, FIELD(redis_server), 0, 0},
    {"redis_appendfsync", "always", set_redis_appendfsync, 0, 0, 0},
    {"redis_password_file", "", set_optional_path, FIELD(redis_password_file), 0, 0},
    {"data_dir", PARKSHARE_STATEDIR, set_string, FIELD(data_dir), 0, 0},
    {"timezone", "Asia/Shanghai", set_timezone, FIELD(timezone), 0, 0},
    {"web_root", PARKSHARE_DATADIR "/web", set_string, FIELD(web_root), 0, 0},
    {"calendar_dir", PARKSHARE_DATADIR "/calendars", set_string, FIELD(calendar_dir), 0, 0},
    {"leaflet_dir", "/usr/share/javascript/leaflet", set_string, FIELD(leaflet_dir), 0, 0},
    {"map_tiles", "", set_optional_path, FIELD(map_tiles), 0, 0},
    {"map_attribution", "", set_optional_path, FIELD(map_attribution), 0, 0},
    {"sign_unknown_text", "----", set_string, FIELD(sign_unknown_text), 0, 0},
    {"stale_after", "1800", set_seconds, FIELD(stale_after_seconds), 1, 30 * 86400},
    {"max_body", "1m", set_bytes, FIELD(max_body_bytes), 1024, 64 * 1048576},
    {"idempotency_ttl", "24h", set_seconds, FIELD(idempotency_ttl_seconds), 60, 30 * 86400},
    {"shutdown_timeout", "5", set_seconds, FIELD(shutdown_timeout_seconds), 1, 300},
    {"idle_timeout", "90", set_seconds, FIELD(idle_timeout_seconds), 1, 3600},
    {"audit_max_len", "1000000", set_count, FIELD(audit_max_length), 1000, 100000000},
    {"demo", "", set_optional_path, FIELD(demo_path), 0, 0},
    {"header_timeout", "10", set_seconds, FIELD(header_timeout_seconds), 1, 3600},
    {"max_connections", "4096", set_count, FIELD(max_connections), 16, 1000000},
    {"max_connections_per_client", "128", set_count, FIELD(max_connections_per_client), 1, 1000000},
    {"max_streams", "1024", set_count, FIELD(max_streams), 0, 1000000},
    {"max_streams_per_client", "16", set_count, FIELD(max_streams_per_client), 1, 1000000},
    {"rate_limit_writes", "50", set_count, FIELD(rate_limit_writes), 0, 1000000},
    {"rate_limit_burst", "100", set_count, FIELD(rate_limit_burst), 1, 1000000},
    {"rate_limit_admin", "1000", set_count, FIELD(rate_limit_admin), 0, 1000000},
    {"auth_failures_per_minute", "30", set_count, FIELD(auth_failures_per_minute), 0, 1000000},
    {"trusted_proxies", "", set_address_list, FIELD(trusted_proxies), 0, 0},
    {"metrics_allow", "127.0.0.1 ::1", set_address_list, FIELD(metrics_allow), 0, 0},
    {"cors_origins", "*", set_origin_list, FIELD(cors_origins), 0, 0},
    {"closure_max_open", "24h", set_seconds, FIELD(closure_max_open_seconds), 60, 365 * 86400},
    {"history_days", "400", set_count, FIELD(history_days), 1, 3660},
    {"write_replicas", "0", set_count, FIELD(write_replicas), 0, 16},
    {"write_replica_timeout", "1", set_seconds, FIELD(write_replica_timeout_seconds), 1, 60},
    {"workers", "0", set_count, FIELD(workers), 0, CONFIG_WORKERS_MAX},
    {"stream_buffer", "256k", set_bytes, FIELD(stream_buffer_bytes), 1024, 64 * 1048576},
    {"log_file", "", set_optional_path, FIELD(log_file), 0, 0},
    {"log_level", "info", set_log_level, 0, 0, 0},
    {"log_format", "text", set_log_format, 0, 0, 0},
};

#define CONFIG_KEY_COUNT (sizeof(config_keys) / sizeof(config_keys[0]))

size_t config_key_count(void)
{
    return CONFIG_KEY_COUNT;
}

const char *config_key_name(size_t index)
{
    return index < CONFIG_KEY_COUNT ? config_keys[index].name : NULL;
}

static const struct config_key *find_key(const char *name, size_t length)
{
    for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
        if (strlen(config_keys[i].name) == length &&
            strncmp(config_keys[i].name, name, length) == 0)
            return &config_keys[i];
    }
    return NULL;
}

static int set_defaults(struct config *config)
{
    char error[256];

    for (size_t i = 0; i < CONFIG_KEY_COUNT; i++) {
        const struct config_key *key = &config_keys[i];
        int result = key->set(config, key, key->default_value, error, sizeof(error));
        if (result != 0)
            return result;
    }
    return 0;
}

struct config *config_new(void)
{
    struct config *config = calloc(1, sizeof(*config));

    if (config != NULL && set_defaults(config) != 0) {
        config_free(config);
        return NULL;
    }
    return config;
}

void config_free(struct config *config)
{
    if (config == NULL)
        return;
    free(config->listen_host);
    free(config->redis_host);
    free(config->redis_username);
    free(config->redis_password);
    free(config->redis_socket);
    config_clear_sentinels(config);
    free(config->redis_server);
    free(config->data_dir);
    free(config->timezone);
    free(config->web_root);
    free(config->calendar_dir);
    free(config->leaflet_dir);
    free(config->map_tiles);
    free(config->map_attribution);
    free(config->sign_unknown_text);
    free(config->demo_path);
    free(config->trusted_proxies);
    free(config->metrics_allow);
    free(config->cors_origins);
    free(config->redis_password_file);
    free(config->log_file);
    free(config);
}

int config_set(struct config *config, const char *key_name, const char *value, char *error,
               size_t error_size)
{
    const struct config_key *key = find_key(key_name, strlen(key_name));
    if (key == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_UNKNOWN_KEY, "unknown key '%s'",
                                 key_name);
    return key->set(config, key, value, error, error_size);
}

static bool is_key_character(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Split one line (NUL-terminated, no newline) into key and value, in place.
 * Returns 1 for a key/value line, 0 for a blank or comment line, or a
 * negative config_error with the reason in error.
 */
static int split_line(char *line, char **key, char **value, char *error, size_t error_size)
{
    char *start = line, *end;

    while (*start == ' ' || *start == '\t')
        start++;
    end = start + strlen(start);
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    if (*start == '\0' || *start == '#')
        return 0;
    *key = start;
    while (is_key_character(*start))
        start++;
    if (start == *key || (*start != '\0' && *start != ' ' && *start != '\t'))
        return config_value_fail(
            error, error_size, CONFIG_ERROR_SYNTAX,
            "expected 'key value', keys are lower-case letters, digits and '_'");
    if (*start == '\0')
        return config_value_fail(error, error_size, CONFIG_ERROR_SYNTAX, "key '%s' has no value",
                                 *key);
    *start++ = '\0';
    while (*start == ' ' || *start == '\t')
        start++;
    /* A value in double quotes keeps its spaces and may hold a '#'. */
    if (*start == '"') {
        if (end - start < 2 || end[-1] != '"' || memchr(start + 1, '"', (size_t)(end - start - 2)))
            return config_value_fail(error, error_size, CONFIG_ERROR_SYNTAX,
                                     "unbalanced double quotes in the value of '%s'", *key);
        end[-1] = '\0';
        start++;
    }
    *value = start;
    return 1;
}

int config_load_text(struct config *config, const char *source, const char *text, size_t length,
                     char *error, size_t error_size)
{
    unsigned seen_on_line[CONFIG_KEY_COUNT] = {0};
    size_t offset = 0;
    unsigned line_number = 0;
    char reason[256];
    int result = 0;

    if (memchr(text, '\0', length) != NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_SYNTAX,
                                 "%s: the file holds a NUL byte", source);
    while (offset < length && result == 0) {
        const char *newline = memchr(text + offset, '\n', length - offset);
        size_t line_length = newline ? (size_t)(newline - text - offset) : length - offset;
        char *line = strndup(text + offset, line_length);
        char *key = NULL, *value = NULL;
        int kind;

        line_number++;
        offset += line_length + 1;
        if (line == NULL)
            return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
        kind = split_line(line, &key, &value, reason, sizeof(reason));
        if (kind < 0) {
            result = config_value_fail(error, error_size, kind, "%s:%u: %s", source, line_number,
                                       reason);
        } else if (kind == 1) {
            const struct config_key *entry = find_key(key, strlen(key));
            if (entry == NULL) {
                result = config_value_fail(error, error_size, CONFIG_ERROR_UNKNOWN_KEY,
                                           "%s:%u: unknown key '%s'", source, line_number, key);
            } else if (seen_on_line[entry - config_keys] != 0) {
                result = config_value_fail(error, error_size, CONFIG_ERROR_DUPLICATE,
                                           "%s:%u: '%s' is already set on line %u", source,
                                           line_number, key, seen_on_line[entry - config_keys]);
            } else {
                seen_on_line[entry - config_keys] = line_number;
                result = entry->set(config, entry, value, reason, sizeof(reason));
                if (result != 0)
                    config_value_fail(error, error_size, result, "%s:%u: %s", source, line_number,
                                      reason);
            }
        }
        free(line);
    }
    return result;
}

int config_apply_environment(struct config *config, char *const *environment, char *error,
                             size_t error_size)
{
    static const char prefix[] = "PARKSHARE_";
    char reason[256];

    for (char *const *entry = environment; entry && *entry; entry++) {
        const char *equals = strchr(*entry, '=');
        char name[64];
        size_t name_length;
        const struct config_key *key;
        int result;

        if (strncmp(*entry, prefix, sizeof(prefix) - 1) != 0 || equals == NULL)
            continue;
        name_length = (size_t)(equals - *entry) - (sizeof(prefix) - 1);
        if (name_length == 0 || name_length >= sizeof(name))
            continue;
        for (size_t i = 0; i < name_length; i++)
            name[i] = (char)tolower((unsigned char)(*entry)[sizeof(prefix) - 1 + i]);
        name[name_length] = '\0';
        key = find_key(name, name_length);
        if (key == NULL)
            continue;
        result = key->set(config, key, equals + 1, reason, sizeof(reason));
        if (result != 0)
            return config_value_fail(error, error_size, result, "environment %.*s: %s",
                                     (int)(equals - *entry), *entry, reason);
    }
    return 0;
}

int config_apply_assignment(struct config *config, const char *assignment, char *error,
                            size_t error_size)
{
    const char *equals = strchr(assignment, '=');
    const struct config_key *key;
    char reason[256];
    int result;

    if (equals == NULL || equals == assignment) {
        redact_url(assignment, reason, sizeof(reason));
        return config_value_fail(error, error_size, CONFIG_ERROR_SYNTAX,
                                 "--set: '%s' is not key=value", reason);
    }
    key = find_key(assignment, (size_t)(equals - assignment));
    if (key == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_UNKNOWN_KEY,
                                 "--set: unknown key '%.*s'", (int)(equals - assignment),
                                 assignment);
    result = key->set(config, key, equals + 1, reason, sizeof(reason));
    if (result != 0)
        /* Name only the key: the value may hold a password. */
        return config_value_fail(error, error_size, result, "--set %s: %s", key->name, reason);
    return 0;
}
