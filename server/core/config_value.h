/* config_value.h: the values of configuration keys that have a grammar: ports, host:port, Redis
 * URLs. */
#ifndef PARKSHARE_CONFIG_VALUE_H
#define PARKSHARE_CONFIG_VALUE_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write the formatted reason into error (when error_size > 0) and return code: the one
 * way config and its value parsers fail. */
int config_value_fail(char *error, size_t error_size, int code, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* A port: digits only, 1 to 65535 (0 too when allow_zero). Returns 0 or -1. */
int config_value_parse_port(const char *text, bool allow_zero, uint16_t *port);

/*
 * Split "host:port" or "[v6 address]:port" into its parts, pointing into
 * text; host_length is 0 when the text has no host. Returns 0 or -1.
 */
int config_value_split_host_port(const char *text, const char **host, size_t *host_length,
                                 const char **port_text);

/* Where the redis key points. The strings are owned by the struct. */
struct config_value_redis {
    enum config_redis_mode mode;
    char *host, *username, *password, *socket;
    uint16_t port;
    int database;
    /* sentinel:// only: the sentinels, in the order written, and the master's name. */
    struct config_sentinel sentinels[CONFIG_SENTINELS_MAX];
    size_t sentinel_count;
    char *master_name;
};

/*
 * Parse "embedded", "redis://[[user]:password@]host[:port][/db]",
 * "sentinel://[[user]:password@]host[:port],host[:port]/master[/db]"
 * (sentinels default to port 26379; the credentials are the master's) or
 * "unix:/path" into target. Returns 0, or a config_error with the reason in
 * error (never echoing a password), target then holding nothing.
 */
int config_value_parse_redis(const char *value, struct config_value_redis *target, char *error,
                             size_t error_size);

/* Free what target owns; the struct itself is the caller's. */
void config_value_redis_clear(struct config_value_redis *target);

#endif
