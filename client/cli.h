/* cli.h: what the client's command files share: options, exit statuses, messages. */
#ifndef PARKSHARE_CLI_H
#define PARKSHARE_CLI_H

#include "transport.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses, documented in docs/parkshare-cli.1. */
enum exit_status {
    EXIT_OK = 0,
    EXIT_LOCAL = 1, /* a local failure: the queue file, memory */
    EXIT_USAGE = 2,
    EXIT_NETWORK = 3, /* the server could not be reached (reads) */
    EXIT_REFUSED = 4, /* the server answered 4xx: final, not retried */
    EXIT_QUEUED = 5,  /* an update was kept in the offline queue */
};

struct options {
    const char *url;
    char *token;
    bool json;
    char queue_path[PATH_MAX];
};

struct client {
    struct options options;
    struct transport *transport;
};

/* Print "parkshare-cli: message" on stderr and return status. */
int say(int status, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Report a refusal from a problem document; EXIT_REFUSED (4xx) or EXIT_NETWORK (5xx). */
int refused(const struct transport_answer *answer);

/* Append "?name=value" or "&name=value" (URL-escaped) when value is not NULL. */
void add_parameter(char *query, size_t size, const char *name, const char *value);

#endif
