/* data_dir.h: the daemon's state directory, created on demand and locked. */
#ifndef PARKSHARE_DATA_DIR_H
#define PARKSHARE_DATA_DIR_H

#include <stddef.h>

/* Expected failures; the error text names the path and the cause. */
enum data_dir_error {
    DATA_DIR_ERROR_SYSTEM = -1, /* a system call failed (permissions, disk) */
    DATA_DIR_ERROR_LOCKED = -2, /* another daemon holds the directory */
    DATA_DIR_ERROR_NO_MEMORY = -3,
};

struct data_dir;

/*
 * Create path (mode 0700) when missing, resolve it to an absolute path and
 * take an exclusive lock on its parkshare.lock file, so that two daemons never
 * share one embedded Redis. Then make the directory and everything in it
 * private to the daemon's user (group and other permission bits removed,
 * symbolic links not followed), logging a warning that names what was
 * tightened; an entry that cannot be changed fails the open, named. The kernel drops the lock when
 * the process dies, even by SIGKILL, so a crash never blocks the next start. On success *dir is
 * owned by the caller (data_dir_free).
 */
int data_dir_open(const char *path, struct data_dir **dir, char *error, size_t error_size);

/* Release the lock and the handle; accepts NULL. */
void data_dir_free(struct data_dir *dir);

/* The absolute path of the directory; valid until data_dir_free. */
const char *data_dir_path(const struct data_dir *dir);

/*
 * Write the absolute path of name inside the directory into out; returns 0,
 * or -1 when it does not fit.
 */
int data_dir_file(const struct data_dir *dir, const char *name, char *out, size_t out_size);

#endif
