/* http_connection_private.h: the connection and the listener, shared with http_listener. */
#ifndef PARKSHARE_HTTP_CONNECTION_PRIVATE_H
#define PARKSHARE_HTTP_CONNECTION_PRIVATE_H

#include "client_slots.h"
#include "http_connection.h"
#include "http_output.h"
#include "http_slots.h"

#include <event2/listener.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <time.h>

enum connection_state {
    STATE_READING,   /* heads and bodies, and the requests handed up from them */
    STATE_STREAMING, /* the answer is a stream */
    STATE_CLOSING,   /* the last answer is being written */
    STATE_LINGERING, /* written and shut down; reading until the client closes */
};

struct http_connection {
    struct http_connection_listener *listener;
    LIST_ENTRY(http_connection) link;
    evutil_socket_t fd; /* -1 once the client is gone */
    struct event *readable;
    struct event *writable;
    enum connection_state state;
    bool gone;                /* the socket is closed; the struct waits for the owed answer */
    bool owed;                /* a request is handed up and not answered yet */
    bool head_parsed;         /* request holds the current head; its body may be arriving */
    bool body_unread;         /* the declared body is over the limit and left unread */
    bool close_after;         /* close once the current answer is written */
    bool dispatching;         /* inside process(): nothing frees the connection meanwhile */
    bool reading_paused;      /* input is full while a request is owed */
    bool head_clock;          /* a head is due by head_deadline */
    bool holds_stream;        /* counted as a stream or long poll in slots */
    struct client_slot *slot; /* this client address's counts */
    struct timeval head_deadline;
    struct http_request request;
    size_t used;     /* bytes in input */
    size_t scanned;  /* bytes of input already searched for a line end */
    size_t consumed; /* bytes of input the current request takes */
    char *body;      /* owned, when the body does not fit into input after the head */
    size_t body_received;
    struct timeval lingering_since;
    struct http_output output;
    void (*on_close)(void *data);
    void *close_data;
    struct sockaddr_storage address; /* the peer, for a hand-over */
    char client[INET6_ADDRSTRLEN];
    char input[HTTP_REQUEST_MAX_HEAD]; /* last: not zeroed at accept */
};

/* A condition logged at most once a second, with the count of times since the last line. */
struct http_log_throttle {
    time_t last_second;
    unsigned long count;
};

/* A prebuilt answer: the 503 to a connection over a cap. */
struct http_refusal {
    char bytes[512];
    size_t length;
};

struct http_connection_listener {
    struct event_base *base;
    struct evconnlistener *accepting;
    struct http_connection_options options;
    struct http_connection_handlers handlers;
    struct timeval idle;
    struct timeval header;
    struct http_slots *slots; /* options.shared_slots, or the listener's own */
    bool owns_slots;
    uint16_t port;              /* the bound port */
    struct event *resume_timer; /* accepting again after a failed accept */
    bool paused;                /* accepting is off until a descriptor frees or the timer */
    struct http_log_throttle accept_failures, refused;
    struct http_refusal refusals[2]; /* over max_connections, over the per-client cap */
    LIST_HEAD(connection_list, http_connection) connections;
};

/*
 * Take over fd (non-blocking, accepted from address) as a new connection
 * counted in slot. On failure fd is closed and slot uncounted.
 */
void http_connection_start(struct http_connection_listener *listener, evutil_socket_t fd,
                           const struct sockaddr *address, struct client_slot *slot);

/* Close every connection of listener, without answers owed, and free them. */
void http_connection_close_all(struct http_connection_listener *listener);

/* A connection closed its socket: a paused listener may accept again. */
void http_listener_descriptor_freed(struct http_connection_listener *listener);

/* Format address as a numeric IP into out ("unknown" when it cannot). */
void http_connection_format_address(const struct sockaddr *address, char *out, size_t size);

#endif
