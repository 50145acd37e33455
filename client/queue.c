/* queue.c: the attendant's offline queue: updates kept on disk until the server has them. */
#include "queue.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *error, size_t error_size, const char *what, const char *path)
{
    snprintf(error, error_size, "%s %s: %s", what, path, strerror(errno));
    return QUEUE_ERROR_IO;
}

static bool line_is_update(const char *line)
{
    json_t *update = json_loads(line, 0, NULL);
    bool valid = json_is_object(update) && json_is_string(json_object_get(update, "id")) &&
                 json_is_string(json_object_get(update, "idempotency_key")) &&
                 (json_is_integer(json_object_get(update, "delta")) ||
                  json_is_integer(json_object_get(update, "occupied")));
    json_decref(update);
    return valid;
}

/* Keep a bad line aside, durably, so nothing an attendant typed is lost. */
static int set_aside(const char *path, const char *line, char *error, size_t error_size)
{
    char aside[PATH_MAX];
    int fd;
    snprintf(aside, sizeof(aside), "%s.corrupt", path);
    fd = open(aside, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || dprintf(fd, "%s\n", line) < 0 || fsync(fd) != 0) {
        if (fd >= 0)
            close(fd);
        return fail(error, error_size, "cannot keep a bad line in", aside);
    }
    close(fd);
    return 0;
}

static int add_line(struct queue *queue, const char *line)
{
    char **grown = realloc(queue->lines, (queue->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return QUEUE_ERROR_NO_MEMORY;
    queue->lines = grown;
    queue->lines[queue->count] = strdup(line);
    if (queue->lines[queue->count] == NULL)
        return QUEUE_ERROR_NO_MEMORY;
    queue->count++;
    return 0;
}

/* mkdir -p of the queue's directory. */
static int make_directory(const char *path)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof(copy), "%s", path);
    for (char *slash = copy + 1; *slash; slash++) {
        if (*slash != '/')
            continue;
        *slash = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    return 0;
}

/*
 * The lock file, not the queue, carries the lock: the queue is replaced by
 * rename at every save, and a lock on a file that was renamed over would
 * protect nothing. The lock file is never removed, for the same reason.
 */
static int take_lock(struct queue *queue, char *error, size_t error_size)
{
    char lock_path[PATH_MAX];
    int length = snprintf(lock_path, sizeof(lock_path), "%s.lock", queue->path);

    if (length < 0 || (size_t)length >= sizeof(lock_path)) {
        errno = ENAMETOOLONG;
        return fail(error, error_size, "cannot lock", queue->path);
    }
    if (make_directory(queue->path) != 0)
        return fail(error, error_size, "cannot create the directory of", queue->path);
    queue->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (queue->lock_fd < 0)
        return fail(error, error_size, "cannot lock", lock_path);
    while (flock(queue->lock_fd, LOCK_EX) != 0) {
        if (errno != EINTR)
            return fail(error, error_size, "cannot lock", lock_path);
    }
    return 0;
}

int queue_load(const char *path, struct queue *queue, char *error, size_t error_size)
{
    FILE *file;
    char *line = NULL;
    size_t capacity = 0, bad = 0;
    ssize_t length;
    int result = 0;

    memset(queue, 0, sizeof(*queue));
    queue->lock_fd = -1;
    error[0] = '\0';
    queue->path = strdup(path);
    if (queue->path == NULL)
        return QUEUE_ERROR_NO_MEMORY;
    result = take_lock(queue, error, error_size);
    if (result != 0)
        return result;
    file = fopen(path, "re");
    if (file == NULL)
        return errno == ENOENT ? 0 : fail(error, error_size, "cannot read", path);
    while (result == 0 && (length = getline(&line, &capacity, file)) >= 0) {
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
            line[--length] = '\0';
        if (length == 0)
            continue;
        if (line_is_update(line)) {
            result = add_line(queue, line);
        } else {
            result = set_aside(path, line, error, error_size);
            bad++;
        }
    }
    free(line);
    fclose(file);
    if (result == 0 && bad > 0) {
        snprintf(error, error_size, "%zu unreadable line(s) in %s were kept in %s.corrupt", bad,
                 path, path);
        result = queue_save(queue, error + strlen(error), error_size - strlen(error));
    }
    return result;
}

/* Write every line to fd and make it durable; returns 0 or -1 with errno set. */
static int write_lines(const struct queue *queue, int fd)
{
    for (size_t i = 0; i < queue->count; i++) {
        if (dprintf(fd, "%s\n", queue->lines[i]) < 0)
            return -1;
    }
    return fsync(fd);
}

/* The rename itself is durable only once the directory is synced. */
static int sync_directory_of(const char *path)
{
    char directory_path[PATH_MAX];
    int directory, result;

    snprintf(directory_path, sizeof(directory_path), "%s", path);
    directory = open(dirname(directory_path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0)
        return -1;
    result = fsync(directory);
    /* Some file systems cannot sync a directory; the rename stands there anyway. */
    if (result != 0 && errno == EINVAL)
        result = 0;
    close(directory);
    return result;
}

int queue_save(const struct queue *queue, char *error, size_t error_size)
{
    char temporary[PATH_MAX];
    int fd, length;

    length = snprintf(temporary, sizeof(temporary), "%s.XXXXXX", queue->path);
    if (length < 0 || (size_t)length >= sizeof(temporary)) {
        errno = ENAMETOOLONG;
        return fail(error, error_size, "cannot write", queue->path);
    }
    if (make_directory(queue->path) != 0)
        return fail(error, error_size, "cannot create the directory of", queue->path);
    /* A name of its own, so that no other writer can truncate it under us. */
    fd = mkostemp(temporary, O_CLOEXEC);
    if (fd < 0)
        return fail(error, error_size, "cannot write a temporary file beside", queue->path);
    if (write_lines(queue, fd) != 0) {
        fail(error, error_size, "cannot write", temporary);
        close(fd);
        unlink(temporary);
        return QUEUE_ERROR_IO;
    }
    if (close(fd) != 0 || rename(temporary, queue->path) != 0) {
        fail(error, error_size, "cannot replace", queue->path);
        unlink(temporary);
        return QUEUE_ERROR_IO;
    }
    if (sync_directory_of(queue->path) != 0)
        return fail(error, error_size, "cannot sync the directory of", queue->path);
    return 0;
}

int queue_push(struct queue *queue, const char *line, char *error, size_t error_size)
{
    int result = add_line(queue, line);
    if (result != 0) {
        snprintf(error, error_size, "out of memory");
        return result;
    }
    return queue_save(queue, error, error_size);
}

int queue_shift(struct queue *queue, size_t count, char *error, size_t error_size)
{
    if (count > queue->count)
        count = queue->count;
    for (size_t i = 0; i < count; i++)
        free(queue->lines[i]);
    memmove(queue->lines, queue->lines + count, (queue->count - count) * sizeof(*queue->lines));
    queue->count -= count;
    return queue_save(queue, error, error_size);
}

void queue_clear(struct queue *queue)
{
    for (size_t i = 0; i < queue->count; i++)
        free(queue->lines[i]);
    free(queue->lines);
    free(queue->path);
    /* Closing the descriptor releases the lock. */
    if (queue->lock_fd >= 0)
        close(queue->lock_fd);
    memset(queue, 0, sizeof(*queue));
    queue->lock_fd = -1;
}
