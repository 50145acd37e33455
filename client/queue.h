/* queue.h: the attendant's offline queue: updates kept on disk until the server has them. */
#ifndef PARKSHARE_CLI_QUEUE_H
#define PARKSHARE_CLI_QUEUE_H

#include <stddef.h>

enum queue_error {
    QUEUE_ERROR_IO = -1, /* the file could not be read or written; error says why */
    QUEUE_ERROR_NO_MEMORY = -2,
};

/* One queued update, as the batch endpoint takes it (a JSON object, one line). */
struct queue {
    char *path;
    char **lines; /* each a JSON object without its newline */
    size_t count;
    int lock_fd; /* holds the exclusive lock on path.lock; -1 when none */
};

/*
 * Take the queue's lock, then load the queue at path (a missing file is an
 * empty queue). The lock is an exclusive flock on path.lock (created 0600,
 * with the directory, 0700, when missing); it waits for another run that
 * holds it and is kept until queue_clear, so that concurrent runs never lose
 * each other's lines between their load and their save. A line that is
 * not a JSON object with "id", "idempotency_key" and "delta" or "occupied"
 * is moved to path.corrupt (appended, with fsync) and reported in error, not
 * dropped; the rest load. Returns 0, or a queue_error.
 */
int queue_load(const char *path, struct queue *queue, char *error, size_t error_size);

/* Append a line and write the whole queue durably (see queue_save). */
int queue_push(struct queue *queue, const char *line, char *error, size_t error_size);

/* Drop the first count lines and write the queue durably. */
int queue_shift(struct queue *queue, size_t count, char *error, size_t error_size);

/*
 * Write the queue to a temporary file of a unique name beside path (mkstemp,
 * mode 0600), fsync it, rename it over path and fsync the directory: a crash
 * leaves the old or the new queue, never a torn one. Call it with the lock
 * queue_load took still held.
 */
int queue_save(const struct queue *queue, char *error, size_t error_size);

/* Free what the queue holds (not the struct) and release its lock. */
void queue_clear(struct queue *queue);

#endif
