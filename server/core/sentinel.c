/* sentinel.c: what Redis Sentinel says about a master: its address and its failovers. */
#include "sentinel.h"

#include <stdbool.h>
#include <string.h>

/* A port as Sentinel writes it: 1 to 5 digits, 1 to 65535. */
static bool parse_port(const char *text, size_t length, uint16_t *port)
{
    unsigned long number = 0;

    if (length == 0 || length > 5)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        number = number * 10 + (unsigned long)(text[i] - '0');
    }
    if (number == 0 || number > 65535)
        return false;
    *port = (uint16_t)number;
    return true;
}

static bool host_valid(const char *host, size_t length)
{
    if (length == 0 || length > SENTINEL_HOST_MAX)
        return false;
    for (size_t i = 0; i < length; i++) {
        if ((unsigned char)host[i] <= ' ' || host[i] == 0x7f)
            return false;
    }
    return true;
}

int sentinel_parse_address(const char *host, size_t host_length, const char *port_text,
                           uint16_t *port)
{
    uint16_t parsed;

    if (!host_valid(host, host_length) || !parse_port(port_text, strlen(port_text), &parsed))
        return SENTINEL_ERROR_MALFORMED;
    *port = parsed;
    return 0;
}

int sentinel_parse_switch(const char *text, size_t length, const char *master_name, char *host,
                          uint16_t *port)
{
    const char *words[5];
    size_t lengths[5], count = 0, position = 0;
    bool more = true;
    uint16_t parsed;

    /* Five words separated by single spaces, no more. */
    while (count < 5 && more) {
        const char *space = memchr(text + position, ' ', length - position);
        size_t stop = space != NULL ? (size_t)(space - text) : length;
        words[count] = text + position;
        lengths[count++] = stop - position;
        more = stop < length;
        position = stop + 1;
    }
    if (count != 5 || more)
        return SENTINEL_ERROR_MALFORMED;
    for (size_t i = 0; i < 5; i++) {
        if (lengths[i] == 0)
            return SENTINEL_ERROR_MALFORMED;
    }
    if (!host_valid(words[3], lengths[3]) || !parse_port(words[4], lengths[4], &parsed))
        return SENTINEL_ERROR_MALFORMED;
    if (strlen(master_name) != lengths[0] || memcmp(words[0], master_name, lengths[0]) != 0)
        return SENTINEL_ERROR_OTHER_MASTER;
    memcpy(host, words[3], lengths[3]);
    host[lengths[3]] = '\0';
    *port = parsed;
    return 0;
}
