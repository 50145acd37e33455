/* config_value.c: the values of configuration keys that have a grammar: ports, host:port, Redis
 * URLs. */
#include "config_value.h"

#include "config.h"
#include "redact.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int config_value_fail(char *error, size_t error_size, int code, const char *format, ...)
{
    va_list args;
    if (error_size > 0) {
        va_start(args, format);
        vsnprintf(error, error_size, format, args);
        va_end(args);
    }
    return code;
}

/* A whole decimal number from 0 to max, digits only (no sign, no spaces). */
static int parse_decimal(const char *text, long max, long *number)
{
    char *end = NULL;

    if (!isdigit((unsigned char)text[0]))
        return -1;
    errno = 0;
    *number = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || *number > max)
        return -1;
    return 0;
}

int config_value_parse_port(const char *text, bool allow_zero, uint16_t *port)
{
    long number;

    if (parse_decimal(text, 65535, &number) != 0 || (number == 0 && !allow_zero))
        return -1;
    *port = (uint16_t)number;
    return 0;
}

/*
 * Split "host:port" or "[v6 address]:port" into its parts. host_length is
 * 0 when the text has no host.
 */
int config_value_split_host_port(const char *text, const char **host, size_t *host_length,
                                 const char **port_text)
{
    const char *colon;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        *host = text + 1;
        *host_length = (size_t)(close - text - 1);
        *port_text = close + 2;
        return 0;
    }
    colon = strrchr(text, ':');
    if (colon == NULL || memchr(text, ':', (size_t)(colon - text)) != NULL)
        return -1;
    *host = text;
    *host_length = (size_t)(colon - text);
    *port_text = colon + 1;
    return 0;
}

/* A db number in "/N": 0..15 is what a default redis.conf offers. */
static int parse_database(const char *text, int *database)
{
    long number;

    if (parse_decimal(text, 65535, &number) != 0)
        return -1;
    *database = (int)number;
    return 0;
}

void config_value_redis_clear(struct config_value_redis *target)
{
    free(target->host);
    free(target->username);
    free(target->password);
    free(target->socket);
    for (size_t i = 0; i < target->sentinel_count; i++)
        free(target->sentinels[i].host);
    free(target->master_name);
}

/* How a URL form is written, for the messages about its parts. */
struct url_form {
    const char *credentials_example; /* where credentials go */
    const char *ipv6_example;        /* an IPv6 address in brackets */
};

static const struct url_form redis_form = {"redis://user:password@host:port/db",
                                           "redis://[::1]:6379"};
static const struct url_form sentinel_form = {
    "sentinel://:password@host1:26379,host2:26379/mymaster", "sentinel://[::1]:26379/mymaster"};

/* "[[username]:password@]" ending at at (NULL: none), which rest starts. */
static int parse_credentials(const char *rest, const char *at, struct config_value_redis *target,
                             char *error, size_t error_size)
{
    const char *colon;

    if (at == NULL)
        return 0;
    colon = memchr(rest, ':', (size_t)(at - rest));
    if (colon == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: credentials must be written user:password@ or :password@");
    if (colon > rest && (target->username = strndup(rest, (size_t)(colon - rest))) == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    if ((target->password = strndup(colon + 1, (size_t)(at - colon - 1))) == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    return 0;
}

/* A port that does not parse: one that is not digits may be a password, never echoed. */
static int fail_port(const char *port_text, const struct url_form *form, char *error,
                     size_t error_size)
{
    if (port_text[strspn(port_text, "0123456789")] != '\0')
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: the port is not a number from 1 to 65535 (credentials "
                                 "go before an '@': %s)",
                                 form->credentials_example);
    return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                             "redis: port '%s' is not a number from 1 to 65535", port_text);
}

/* "host[:port]" or "[v6 address][:port]", length bytes of text, into a new *host and *port. */
static int parse_address(const char *text, size_t length, const struct url_form *form,
                         char **host_out, uint16_t *port, char *error, size_t error_size)
{
    char hostport[300];
    const char *host, *port_text;
    size_t host_length;

    if (length == 0 || length >= sizeof(hostport))
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: the URL has no host");
    memcpy(hostport, text, length);
    hostport[length] = '\0';
    if (config_value_split_host_port(hostport, &host, &host_length, &port_text) == 0) {
        if (config_value_parse_port(port_text, false, port) != 0)
            return fail_port(port_text, form, error, error_size);
    } else if (strchr(hostport, ':') != NULL && hostport[0] != '[') {
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: write an IPv6 address in brackets, e.g. %s",
                                 form->ipv6_example);
    } else {
        host = hostport[0] == '[' ? hostport + 1 : hostport;
        host_length = strlen(host) - (hostport[0] == '[' ? 1 : 0);
    }
    if (host_length == 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: the URL has no host");
    if ((*host_out = strndup(host, host_length)) == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    return 0;
}

/* redis://[[username]:password@]host[:port][/db] */
static int parse_redis_url(const char *rest, struct config_value_redis *target, char *error,
                           size_t error_size)
{
    const char *at = strrchr(rest, '@');
    const char *authority = at ? at + 1 : rest;
    const char *slash = strchr(authority, '/');
    size_t authority_length = slash ? (size_t)(slash - authority) : strlen(authority);
    int result;

    target->mode = CONFIG_REDIS_TCP;
    target->port = 6379;
    result = parse_credentials(rest, at, target, error, error_size);
    if (result == 0)
        result = parse_address(authority, authority_length, &redis_form, &target->host,
                               &target->port, error, error_size);
    if (result != 0)
        return result;
    if (slash != NULL && slash[1] != '\0' && parse_database(slash + 1, &target->database) != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: database '%s' is not a whole number", slash + 1);
    return 0;
}

/* The sentinels of sentinel://, "host[:port],host[:port]", length bytes of list. */
static int parse_sentinel_list(const char *list, size_t length, struct config_value_redis *target,
                               char *error, size_t error_size)
{
    const char *end = list + length;
    bool more = true;

    while (more) {
        const char *comma = memchr(list, ',', (size_t)(end - list));
        const char *stop = comma != NULL ? comma : end;
        struct config_sentinel *sentinel = &target->sentinels[target->sentinel_count];
        int result;

        if (stop == list)
            return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                     "redis: sentinel %zu of the list is empty (write "
                                     "host1:26379,host2:26379)",
                                     target->sentinel_count + 1);
        if (target->sentinel_count == CONFIG_SENTINELS_MAX)
            return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                     "redis: at most %d sentinels", CONFIG_SENTINELS_MAX);
        sentinel->port = 26379;
        result = parse_address(list, (size_t)(stop - list), &sentinel_form, &sentinel->host,
                               &sentinel->port, error, error_size);
        if (result != 0)
            return result;
        target->sentinel_count++;
        more = comma != NULL;
        list = more ? comma + 1 : end;
    }
    return 0;
}

/* The master's name as Sentinel knows it: letters, digits, '.', '_', '-', 1 to 64. */
static bool master_name_valid(const char *name, size_t length)
{
    if (length == 0 || length > 64)
        return false;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    }
    return true;
}

/* "master[/db]" after the sentinels' slash (NULL: none). */
static int parse_master(const char *slash, struct config_value_redis *target, char *error,
                        size_t error_size)
{
    const char *name = slash != NULL ? slash + 1 : "";
    const char *database = strchr(name, '/');
    size_t length = database != NULL ? (size_t)(database - name) : strlen(name);

    if (length == 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: sentinel:// needs the master's name after the sentinels, "
                                 "e.g. sentinel://host1:26379,host2:26379/mymaster");
    if (!master_name_valid(name, length))
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: the master's name '%.*s' must be 1 to 64 letters, digits, "
                                 "'.', '_' or '-'",
                                 (int)(length > 64 ? 64 : length), name);
    if ((target->master_name = strndup(name, length)) == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    if (database != NULL && parse_database(database + 1, &target->database) != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: database '%s' is not a whole number", database + 1);
    return 0;
}

/* sentinel://[[username]:password@]host[:port],host[:port]/master[/db] */
static int parse_sentinel_url(const char *rest, struct config_value_redis *target, char *error,
                              size_t error_size)
{
    const char *at = strrchr(rest, '@');
    const char *list = at ? at + 1 : rest;
    const char *slash = strchr(list, '/');
    size_t list_length = slash ? (size_t)(slash - list) : strlen(list);
    int result;

    target->mode = CONFIG_REDIS_SENTINEL;
    result = parse_credentials(rest, at, target, error, error_size);
    if (result == 0 && list_length == 0)
        result = config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                   "redis: sentinel:// lists no sentinel, e.g. "
                                   "sentinel://host1:26379,host2:26379/mymaster");
    if (result == 0)
        result = parse_sentinel_list(list, list_length, target, error, error_size);
    if (result == 0)
        result = parse_master(slash, target, error, error_size);
    return result;
}

int config_value_parse_redis(const char *value, struct config_value_redis *target, char *error,
                             size_t error_size)
{
    char shown[256];
    int result = 0;

    *target = (struct config_value_redis){0};
    if (strcmp(value, "embedded") == 0) {
        target->mode = CONFIG_REDIS_EMBEDDED;
    } else if (strncmp(value, "redis://", 8) == 0) {
        result = parse_redis_url(value + 8, target, error, error_size);
    } else if (strncmp(value, "sentinel://", 11) == 0) {
        result = parse_sentinel_url(value + 11, target, error, error_size);
    } else if (strncmp(value, "unix:", 5) == 0) {
        target->mode = CONFIG_REDIS_UNIX;
        if (value[5] != '/')
            result = config_value_fail(
                error, error_size, CONFIG_ERROR_BAD_VALUE,
                "redis: unix: needs an absolute socket path, e.g. unix:/run/redis.sock");
        else if ((target->socket = strdup(value + 5)) == NULL)
            result = config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    } else {
        redact_url(value, shown, sizeof(shown));
        result = config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                   "redis: '%s' is not 'embedded', redis://host:port/db, "
                                   "sentinel://host:port,host:port/master or unix:/path",
                                   shown);
    }
    if (result != 0)
        config_value_redis_clear(target);
    return result;
}
