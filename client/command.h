/* command.h: what every command shares: the client it runs with, exit statuses, messages. */
#ifndef PARKSHARE_CLI_COMMAND_H
#define PARKSHARE_CLI_COMMAND_H

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

/* What main hands each command: its options and the one transport of the run. */
struct client {
    struct options options;
    struct transport *transport;
};

/*
 * Print "parkshare-cli: message" on stderr and return status, so a command
 * can report and end in one statement. Cannot fail.
 */
int command_say(int status, const char *format, ...) __attribute__((format(printf, 2, 3)));

/*
 * Report a refusal: "the server refused (404 Not found): detail" from a
 * problem document, or the bare status when the body is not one. Returns
 * EXIT_NETWORK for a 5xx (the server's fault, worth retrying) and
 * EXIT_REFUSED otherwise. answer stays the caller's.
 */
int command_refused(const struct transport_answer *answer);

/*
 * Append "?name=value", or "&name=value" once query has a '?', URL-escaped,
 * to the NUL-terminated query of size bytes; nothing when value is NULL.
 * The text is cut at size; when escaping runs out of memory the parameter
 * is left out.
 */
void command_add_parameter(char *query, size_t size, const char *name, const char *value);

#endif
