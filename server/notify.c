/* notify.c: the service manager's notification protocol: READY, STOPPING and the watchdog. */
#include "notify.h"

#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct notify {
    int fd; /* -1: no service manager listens */
    struct sockaddr_un address;
    socklen_t address_length;
    bool ready_sent;
    bool stopping_sent;
    unsigned long long watchdog_usec;
    struct event *watchdog_timer;
};

static const char component[] = "notify";

static void send_message(struct notify *notify, const char *message)
{
    if (notify->fd < 0)
        return;
    /* Never block the loop: a full queue loses this one message, said at debug level. */
    if (sendto(notify->fd, message, strlen(message), MSG_DONTWAIT | MSG_NOSIGNAL,
               (const struct sockaddr *)&notify->address, notify->address_length) < 0)
        log_debug(component, "cannot send %s to the service manager: %s", message, strerror(errno));
}

/* NOTIFY_SOCKET into an address; '@' is the abstract namespace. Returns 0 or -1. */
static int fill_address(struct notify *notify, const char *path, char *error, size_t error_size)
{
    size_t length = strlen(path);

    if ((path[0] != '/' && path[0] != '@') || length < 2 ||
        length >= sizeof(notify->address.sun_path)) {
        snprintf(error, error_size,
                 "NOTIFY_SOCKET '%s' is neither an absolute path nor an abstract '@' name of at "
                 "most %zu bytes",
                 path, sizeof(notify->address.sun_path) - 1);
        return -1;
    }
    notify->address.sun_family = AF_UNIX;
    memcpy(notify->address.sun_path, path, length);
    if (path[0] == '@')
        notify->address.sun_path[0] = '\0';
    notify->address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
    return 0;
}

/* WATCHDOG_USEC, when it is meant for this process; 0 for none. */
static unsigned long long watchdog_period(void)
{
    const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
    unsigned long long period;
    char *end;

    if (usec == NULL || usec[0] < '0' || usec[0] > '9')
        return 0;
    errno = 0;
    period = strtoull(usec, &end, 10);
    if (errno != 0 || *end != '\0')
        return 0;
    if (pid != NULL && strtoll(pid, &end, 10) != (long long)getpid())
        return 0;
    return period;
}

static void on_watchdog_timer(evutil_socket_t fd, short events, void *data)
{
    send_message(data, "WATCHDOG=1");
}

static int start_watchdog(struct notify *notify, struct event_base *base, char *error,
                          size_t error_size)
{
    /* Half the period, as sd_watchdog_enabled(3) advises; never a busy timer. */
    unsigned long long half = notify->watchdog_usec > 2000 ? notify->watchdog_usec / 2 : 1000;
    struct timeval interval = {(time_t)(half / 1000000), (suseconds_t)(half % 1000000)};

    notify->watchdog_timer = event_new(base, -1, EV_PERSIST, on_watchdog_timer, notify);
    if (notify->watchdog_timer == NULL || event_add(notify->watchdog_timer, &interval) != 0) {
        snprintf(error, error_size, "cannot start the watchdog timer");
        return NOTIFY_ERROR_NO_MEMORY;
    }
    return 0;
}

int notify_new(struct event_base *base, struct notify **out, char *error, size_t error_size)
{
    struct notify *notify = calloc(1, sizeof(*notify));
    const char *path = getenv("NOTIFY_SOCKET");
    int result = NOTIFY_ERROR_SOCKET;

    if (notify == NULL) {
        snprintf(error, error_size, "out of memory");
        return NOTIFY_ERROR_NO_MEMORY;
    }
    notify->fd = -1;
    if (path == NULL || path[0] == '\0') {
        *out = notify;
        return 0;
    }
    if (fill_address(notify, path, error, error_size) != 0)
        goto free_notify;
    notify->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (notify->fd < 0) {
        snprintf(error, error_size, "NOTIFY_SOCKET: socket: %s", strerror(errno));
        goto free_notify;
    }
    notify->watchdog_usec = watchdog_period();
    if (notify->watchdog_usec > 0) {
        result = start_watchdog(notify, base, error, error_size);
        if (result != 0)
            goto free_notify;
        send_message(notify, "WATCHDOG=1");
        log_info(component, "watchdog: WATCHDOG=1 every %llu ms", notify->watchdog_usec / 2000);
    }
    *out = notify;
    return 0;

free_notify:
    notify_free(notify);
    return result;
}

void notify_ready(struct notify *notify)
{
    if (notify->ready_sent)
        return;
    notify->ready_sent = true;
    send_message(notify, "READY=1\nSTATUS=serving");
}

void notify_stopping(struct notify *notify)
{
    if (notify->stopping_sent)
        return;
    notify->stopping_sent = true;
    send_message(notify, "STOPPING=1\nSTATUS=stopping");
}

void notify_free(struct notify *notify)
{
    if (notify == NULL)
        return;
    if (notify->watchdog_timer != NULL)
        event_free(notify->watchdog_timer);
    if (notify->fd >= 0)
        close(notify->fd);
    free(notify);
}
