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
}

/* redis://[[username]:password@]host[:port][/db] */
static int parse_redis_url(const char *rest, struct config_value_redis *target, char *error,
                           size_t error_size)
{
    const char *at = strrchr(rest, '@');
    const char *authority = at ? at + 1 : rest;
    const char *slash = strchr(authority, '/');
    size_t authority_length = slash ? (size_t)(slash - authority) : strlen(authority);
    char hostport[300];
    const char *host, *port_text;
    size_t host_length;

    target->mode = CONFIG_REDIS_TCP;
    target->port = 6379;
    if (at != NULL) {
        const char *colon = memchr(rest, ':', (size_t)(at - rest));
        if (colon == NULL)
            return config_value_fail(
                error, error_size, CONFIG_ERROR_BAD_VALUE,
                "redis: credentials must be written user:password@ or :password@");
        if (colon > rest && (target->username = strndup(rest, (size_t)(colon - rest))) == NULL)
            return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
        if ((target->password = strndup(colon + 1, (size_t)(at - colon - 1))) == NULL)
            return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    }
    if (authority_length == 0 || authority_length >= sizeof(hostport))
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: the URL has no host");
    memcpy(hostport, authority, authority_length);
    hostport[authority_length] = '\0';
    if (config_value_split_host_port(hostport, &host, &host_length, &port_text) == 0) {
        /* A port that is not digits may be a password in a URL without '@': never echoed. */
        if (config_value_parse_port(port_text, false, &target->port) != 0)
            return port_text[strspn(port_text, "0123456789")] != '\0'
                       ? config_value_fail(
                             error, error_size, CONFIG_ERROR_BAD_VALUE,
                             "redis: the port is not a number from 1 to 65535 (credentials "
                             "go before an '@': redis://user:password@host:port/db)")
                       : config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                           "redis: port '%s' is not a number from 1 to 65535",
                                           port_text);
    } else if (strchr(hostport, ':') != NULL && hostport[0] != '[') {
        return config_value_fail(
            error, error_size, CONFIG_ERROR_BAD_VALUE,
            "redis: write an IPv6 address in brackets, e.g. redis://[::1]:6379");
    } else {
        host = hostport[0] == '[' ? hostport + 1 : hostport;
        host_length = strlen(host) - (hostport[0] == '[' ? 1 : 0);
    }
    if (host_length == 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: the URL has no host");
    if ((target->host = strndup(host, host_length)) == NULL)
        return config_value_fail(error, error_size, CONFIG_ERROR_NO_MEMORY, "out of memory");
    if (slash != NULL && slash[1] != '\0' && parse_database(slash + 1, &target->database) != 0)
        return config_value_fail(error, error_size, CONFIG_ERROR_BAD_VALUE,
                                 "redis: database '%s' is not a whole number", slash + 1);
    return 0;
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
        result = config_value_fail(
            error, error_size, CONFIG_ERROR_BAD_VALUE,
            "redis: '%s' is not 'embedded', redis://host:port/db or unix:/path", shown);
    }
    if (result != 0)
        config_value_redis_clear(target);
    return result;
}
