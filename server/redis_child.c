/* redis_child.c: the embedded redis-server, started and supervised as a child. */
#include "redis_child.h"

#include "clock.h"
#include "log.h"
#include "redis_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Restart backoff: a child that keeps dying is retried ever more slowly, and
 * one that ran for a while counts as healthy again. */
#define RESTART_DELAY_FIRST_MS 100
#define RESTART_DELAY_MAX_MS   5000
#define HEALTHY_RUN_SECONDS    30

/* A log line of Redis' longer than this is logged in pieces. */
#define LOG_LINE_MAX 4096

struct redis_child {
    struct event_base *base;
    char *program;
    char *directory;
    bool fsync_always;
    char config_path[PATH_MAX];
    char socket_path[PATH_MAX];
    char pid_path[PATH_MAX];
    pid_t pid;
    int64_t started_at_ms; /* monotonic */
    int restart_delay_ms;
    bool stopping;
    struct event *sigchld_event;
    struct event *restart_timer;
    /* Redis' standard output and error: a pipe whose lines join the daemon's log. */
    int log_read_fd;
    int log_write_fd;
    struct event *log_event;
    char log_line[LOG_LINE_MAX + 1];
    size_t log_used;
};

static const char component[] = "redis";

static int write_config(const struct redis_child *child, char *error, size_t error_size)
{
    char temporary[PATH_MAX + 8];
    FILE *file;
    int fd;

    snprintf(temporary, sizeof(temporary), "%s.new", child->config_path);
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || (file = fdopen(fd, "w")) == NULL) {
        snprintf(error, error_size, "%s: %s", temporary, strerror(errno));
        if (fd >= 0)
            close(fd);
        return REDIS_CHILD_ERROR_SYSTEM;
    }
    fprintf(file,
            "# Written by parkshare-server at every start: edits are overwritten.\n"
            "# No TCP port: the daemon reaches this Redis through the unix socket only.\n"
            "port 0\n"
            "unixsocket %s\n"
            "unixsocketperm 700\n"
            "dir %s\n"
            "pidfile %s\n"
            "# Its log is the daemon's: lines on standard output, which is a pipe\n"
            "# to the daemon, logged there under \"redis\".\n"
            "logfile \"\"\n"
            "daemonize no\n"
            "# Every acknowledged write is in the append-only file; RDB snapshots\n"
            "# would only add forks.\n"
            "appendonly yes\n"
            "appendfsync %s\n"
            "save \"\"\n"
            "always-show-logo no\n"
            "# A lot is one hash: its JSON and a few counts. Kept as one compact\n"
            "# listpack up to 8 KB of JSON, not a hash table (half the memory).\n"
            "hash-max-listpack-value 8192\n",
            child->socket_path, child->directory, child->pid_path,
            child->fsync_always ? "always" : "everysec");
    if (fflush(file) != 0 || fsync(fd) != 0) {
        snprintf(error, error_size, "%s: %s", temporary, strerror(errno));
        fclose(file);
        unlink(temporary);
        return REDIS_CHILD_ERROR_SYSTEM;
    }
    fclose(file);
    if (rename(temporary, child->config_path) != 0) {
        snprintf(error, error_size, "%s: %s", child->config_path, strerror(errno));
        unlink(temporary);
        return REDIS_CHILD_ERROR_SYSTEM;
    }
    return 0;
}

/* Whether pid is a redis-server serving our socket (its title names it). */
static bool is_our_redis(pid_t pid, const char *socket_path)
{
    char proc_path[64], cmdline[4096];
    size_t length;
    FILE *file;

    snprintf(proc_path, sizeof(proc_path), "/proc/%d/cmdline", (int)pid);
    file = fopen(proc_path, "re");
    if (file == NULL)
        return false;
    length = fread(cmdline, 1, sizeof(cmdline) - 1, file);
    fclose(file);
    for (size_t i = 0; i < length; i++) {
        if (cmdline[i] == '\0')
            cmdline[i] = ' ';
    }
    cmdline[length] = '\0';
    return strstr(cmdline, "redis") != NULL &&
           (strstr(cmdline, socket_path) != NULL || strstr(cmdline, "redis.conf") != NULL);
}

static void sleep_milliseconds(long milliseconds)
{
    struct timespec delay = {milliseconds / 1000, (milliseconds % 1000) * 1000000L};
    while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
        ;
}

/*
 * A daemon killed with SIGKILL takes its child with it (parent-death
 * signal), but that Redis may still be flushing when the next daemon
 * starts. Wait for it, and stop it if it lingers, so that two servers never
 * write one append-only file. Start-up only: this may block for seconds.
 */
static void stop_leftover_instance(const struct redis_child *child)
{
    FILE *file = fopen(child->pid_path, "re");
    int pid = 0;

    if (file == NULL)
        return;
    if (fscanf(file, "%d", &pid) != 1)
        pid = 0;
    fclose(file);
    if (pid <= 1 || pid == getpid() || !is_our_redis(pid, child->socket_path))
        return;
    log_warning(component, "a redis-server (pid %d) from an earlier run still uses %s; stopping it",
                pid, child->directory);
    kill(pid, SIGTERM);
    for (int waited = 0; waited < 100 && kill(pid, 0) == 0 && is_our_redis(pid, child->socket_path);
         waited++)
        sleep_milliseconds(100);
    if (kill(pid, 0) == 0 && is_our_redis(pid, child->socket_path)) {
        log_warning(component, "redis-server pid %d ignored SIGTERM; killing it", pid);
        kill(pid, SIGKILL);
        sleep_milliseconds(200);
    }
}

/* Log one line of Redis' at the level its mark gives. */
static void log_redis_line(const char *line)
{
    enum log_level level;
    const char *message;

    redis_log_parse_line(line, &level, &message);
    log_write(level, component, "%s", message);
}

/*
 * Read what the pipe holds now (never blocking: it is non-blocking) and
 * log each whole line; an unfinished line waits for the rest, a line longer
 * than LOG_LINE_MAX is logged in pieces. Returns false once the pipe is
 * empty or closed.
 */
static bool read_log_pipe(struct redis_child *child)
{
    ssize_t got =
        read(child->log_read_fd, child->log_line + child->log_used, LOG_LINE_MAX - child->log_used);
    char *start, *newline;

    if (got < 0 && errno == EINTR)
        return true;
    if (got <= 0)
        return false;
    child->log_used += (size_t)got;
    start = child->log_line;
    while ((newline = memchr(start, '\n', child->log_used - (size_t)(start - child->log_line)))) {
        *newline = '\0';
        log_redis_line(start);
        start = newline + 1;
    }
    child->log_used -= (size_t)(start - child->log_line);
    memmove(child->log_line, start, child->log_used);
    if (child->log_used == LOG_LINE_MAX) {
        child->log_line[LOG_LINE_MAX] = '\0';
        log_redis_line(child->log_line);
        child->log_used = 0;
    }
    return true;
}

static void on_log_readable(evutil_socket_t fd, short events, void *data)
{
    /* One read per wake-up: a chatty Redis never holds the loop. */
    read_log_pipe(data);
}

/* After the child stopped: log what it wrote last, with an unfinished line. */
static void drain_log_pipe(struct redis_child *child)
{
    if (child->log_read_fd < 0)
        return;
    while (read_log_pipe(child))
        ;
    if (child->log_used > 0) {
        child->log_line[child->log_used] = '\0';
        log_redis_line(child->log_line);
        child->log_used = 0;
    }
}

/* The pipe for Redis' output, its read end watched by the loop. Returns 0 or -1. */
static int open_log_pipe(struct redis_child *child, char *error, size_t error_size)
{
    int ends[2];

    if (pipe2(ends, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "pipe: %s", strerror(errno));
        return -1;
    }
    child->log_read_fd = ends[0];
    child->log_write_fd = ends[1];
    child->log_event =
        event_new(child->base, ends[0], EV_READ | EV_PERSIST, on_log_readable, child);
    if (fcntl(ends[0], F_SETFL, O_NONBLOCK) != 0 || child->log_event == NULL ||
        event_add(child->log_event, NULL) != 0) {
        snprintf(error, error_size, "cannot watch the embedded Redis' log pipe");
        return -1;
    }
    return 0;
}

/* In the forked child: never returns. Reports an exec failure's errno on the pipe. */
static void exec_child(const struct redis_child *child, pid_t parent, int report_fd)
{
    sigset_t all;
    int error_number;

    /* Die with the daemon, even when it is killed with SIGKILL. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
        _exit(127);
    /* Own process group: a Ctrl-C on the terminal reaches the daemon, which
     * then stops Redis in order, instead of both at once. */
    setpgid(0, 0);
    /* Whatever the daemon's mask: Redis' append-only files, log and socket are private. */
    umask(077);
    /* Its log lines go to the daemon, which logs them: never to a file of their own. */
    if (dup2(child->log_write_fd, STDOUT_FILENO) < 0 ||
        dup2(child->log_write_fd, STDERR_FILENO) < 0)
        _exit(127);
    /* dup2 onto itself (a daemon started with standard output closed) keeps close-on-exec. */
    fcntl(STDOUT_FILENO, F_SETFD, 0);
    fcntl(STDERR_FILENO, F_SETFD, 0);
    /* The service manager hears from the daemon alone (Redis can speak its protocol). */
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    unsetenv("JOURNAL_STREAM");
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* Keep no descriptor of the daemon's (listening socket, data_dir lock). */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (int fd = 3; fd < 1024; fd++) {
            if (fd != report_fd)
                fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }
    execlp(child->program, child->program, child->config_path, (char *)NULL);
    error_number = errno;
    if (write(report_fd, &error_number, sizeof(error_number)) < 0)
        _exit(127);
    _exit(127);
}

/* Fork and exec; returns once exec succeeded or failed (the pipe tells which). */
static int spawn(struct redis_child *child, char *error, size_t error_size)
{
    int report[2];
    int exec_errno = 0;
    ssize_t got;
    pid_t pid, parent = getpid();

    if (pipe2(report, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "pipe: %s", strerror(errno));
        return REDIS_CHILD_ERROR_SYSTEM;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(error, error_size, "fork: %s", strerror(errno));
        close(report[0]);
        close(report[1]);
        return REDIS_CHILD_ERROR_SYSTEM;
    }
    if (pid == 0) {
        close(report[0]);
        exec_child(child, parent, report[1]);
    }
    close(report[1]);
    do
        got = read(report[0], &exec_errno, sizeof(exec_errno));
    while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof(exec_errno)) {
        waitpid(pid, NULL, 0);
        snprintf(error, error_size, "cannot run %s: %s (set redis_server, or install redis-server)",
                 child->program, strerror(exec_errno));
        return REDIS_CHILD_ERROR_EXEC;
    }
    child->pid = pid;
    child->started_at_ms = clock_monotonic_ms();
    log_info(component, "started %s (pid %d) on %s", child->program, (int)pid, child->socket_path);
    return 0;
}

static void schedule_restart(struct redis_child *child)
{
    struct timeval delay = {child->restart_delay_ms / 1000,
                            (child->restart_delay_ms % 1000) * 1000};
    log_warning(component, "restarting redis-server in %d ms", child->restart_delay_ms);
    evtimer_add(child->restart_timer, &delay);
    child->restart_delay_ms *= 2;
    if (child->restart_delay_ms > RESTART_DELAY_MAX_MS)
        child->restart_delay_ms = RESTART_DELAY_MAX_MS;
}

static void on_restart_timer(evutil_socket_t fd, short events, void *data)
{
    struct redis_child *child = data;
    char error[512];

    if (child->stopping || child->pid != 0)
        return;
    if (spawn(child, error, sizeof(error)) != 0) {
        log_error(component, "%s", error);
        schedule_restart(child);
    }
}

static void describe_exit(int status, char *out, size_t size)
{
    if (WIFEXITED(status))
        snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, size, "was killed by signal %d", WTERMSIG(status));
    else
        snprintf(out, size, "stopped (status 0x%x)", status);
}

static void on_sigchld(evutil_socket_t fd, short events, void *data)
{
    struct redis_child *child = data;
    char how[64];
    int status;
    pid_t pid;

    /* Reap every child that exited, ours or not, so none stays a zombie. */
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid != child->pid)
            continue;
        child->pid = 0;
        describe_exit(status, how, sizeof(how));
        if (child->stopping)
            continue;
        drain_log_pipe(child);
        log_error(component, "redis-server %s; its last words are logged above under \"redis\"",
                  how);
        if (clock_monotonic_ms() - child->started_at_ms >= HEALTHY_RUN_SECONDS * 1000)
            child->restart_delay_ms = RESTART_DELAY_FIRST_MS;
        schedule_restart(child);
    }
}

static int fill_paths(struct redis_child *child)
{
    const char *dir = child->directory;
    if (snprintf(child->config_path, PATH_MAX, "%s/redis.conf", dir) >= PATH_MAX ||
        snprintf(child->socket_path, PATH_MAX, "%s/redis.sock", dir) >= PATH_MAX ||
        snprintf(child->pid_path, PATH_MAX, "%s/redis.pid", dir) >= PATH_MAX)
        return -1;
    /* sun_path holds 108 bytes. */
    return strlen(child->socket_path) < 108 ? 0 : -1;
}

int redis_child_new(struct event_base *base, const struct redis_child_options *options,
                    struct redis_child **out, char *error, size_t error_size)
{
    struct redis_child *child = calloc(1, sizeof(*child));
    int result = REDIS_CHILD_ERROR_NO_MEMORY;

    if (child == NULL) {
        snprintf(error, error_size, "out of memory");
        return REDIS_CHILD_ERROR_NO_MEMORY;
    }
    child->base = base;
    child->fsync_always = options->fsync_always;
    child->restart_delay_ms = RESTART_DELAY_FIRST_MS;
    child->log_read_fd = -1;
    child->log_write_fd = -1;
    child->program = strdup(options->program);
    child->directory = strdup(options->directory);
    child->sigchld_event = evsignal_new(base, SIGCHLD, on_sigchld, child);
    child->restart_timer = evtimer_new(base, on_restart_timer, child);
    if (child->program == NULL || child->directory == NULL || child->sigchld_event == NULL ||
        child->restart_timer == NULL) {
        snprintf(error, error_size, "out of memory");
        goto free_child;
    }
    if (fill_paths(child) != 0) {
        snprintf(error, error_size,
                 "data_dir %s is too long for a unix socket path (at most 96 bytes)",
                 child->directory);
        result = REDIS_CHILD_ERROR_SYSTEM;
        goto free_child;
    }
    result = write_config(child, error, error_size);
    if (result != 0)
        goto free_child;
    if (open_log_pipe(child, error, error_size) != 0) {
        result = REDIS_CHILD_ERROR_SYSTEM;
        goto free_child;
    }
    stop_leftover_instance(child);
    /* Listen for SIGCHLD before the child exists, so an early death is seen. */
    if (event_add(child->sigchld_event, NULL) != 0) {
        snprintf(error, error_size, "cannot watch SIGCHLD");
        result = REDIS_CHILD_ERROR_SYSTEM;
        goto free_child;
    }
    result = spawn(child, error, error_size);
    if (result != 0)
        goto free_child;
    *out = child;
    return 0;

free_child:
    redis_child_free(child);
    return result;
}

const char *redis_child_socket_path(const struct redis_child *child)
{
    return child->socket_path;
}

void redis_child_stop(struct redis_child *child, int timeout_ms)
{
    int status;
    int waited_ms = 0;

    child->stopping = true;
    if (child->restart_timer != NULL)
        evtimer_del(child->restart_timer);
    if (child->pid == 0)
        return;
    kill(child->pid, SIGTERM);
    while (waitpid(child->pid, &status, WNOHANG) == 0) {
        if (waited_ms >= timeout_ms) {
            log_warning(component, "redis-server did not stop within %d ms; killing it",
                        timeout_ms);
            kill(child->pid, SIGKILL);
            waitpid(child->pid, &status, 0);
            break;
        }
        sleep_milliseconds(20);
        waited_ms += 20;
    }
    /* The loop no longer runs: its farewell lines are read here. */
    drain_log_pipe(child);
    log_info(component, "redis-server (pid %d) stopped", (int)child->pid);
    child->pid = 0;
}

void redis_child_free(struct redis_child *child)
{
    if (child == NULL)
        return;
    redis_child_stop(child, 10000);
    if (child->sigchld_event != NULL)
        event_free(child->sigchld_event);
    if (child->restart_timer != NULL)
        event_free(child->restart_timer);
    if (child->log_event != NULL)
        event_free(child->log_event);
    if (child->log_read_fd >= 0)
        close(child->log_read_fd);
    if (child->log_write_fd >= 0)
        close(child->log_write_fd);
    free(child->program);
    free(child->directory);
    free(child);
}
