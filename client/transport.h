/* transport.h: the client's HTTP on libcurl: one reused connection, timeouts, TLS on. */
#ifndef PARKSHARE_CLI_TRANSPORT_H
#define PARKSHARE_CLI_TRANSPORT_H

#include <stddef.h>

enum transport_error {
    TRANSPORT_ERROR_NETWORK = -1, /* no answer: refused, unreachable, timed out */
    TRANSPORT_ERROR_NO_MEMORY = -2,
};

struct transport;

/* An answer: status and body (owned by the transport until the next request). */
struct transport_answer {
    long status;
    const char *body;
    size_t length;
    const char *content_type;
};

/*
 * A transport to base_url (e.g. "http://127.0.0.1:8080") with token (may be
 * NULL) as Bearer. Connect timeout 5 s, total 30 s (the caller may ask
 * longer for a long poll); certificates verified; proxies from the
 * environment as libcurl reads them. NULL when out of memory.
 */
struct transport *transport_new(const char *base_url, const char *token);

/* Free; accepts NULL. */
void transport_free(struct transport *transport);

/*
 * Send a request. body (JSON, may be NULL) goes with Content-Type
 * application/json; idempotency_key (may be NULL) as Idempotency-Key;
 * if_none_match (may be NULL). timeout_seconds 0 means the default.
 * Returns 0 with *answer filled, or a transport_error with the cause in
 * error (libcurl's words).
 */
int transport_request(struct transport *transport, const char *method, const char *path,
                      const char *body, const char *idempotency_key, const char *if_none_match,
                      long timeout_seconds, struct transport_answer *answer, char *error,
                      size_t error_size);

/* The ETag of the last answer, or NULL. */
const char *transport_etag(const struct transport *transport);

#endif
