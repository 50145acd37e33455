/* data_dir.c: the daemon's state directory, created on demand and locked. */
#include "data_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct data_dir {
    char *path;
    int lock_fd;
};

/* mkdir -p with mode 0700 for what it creates. */
static int make_directories(const char *path)
{
    char partial[PATH_MAX];
    size_t length = strlen(path);

    if (length == 0 || length >= sizeof(partial)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(partial, path, length + 1);
    for (char *slash = partial + 1; *slash; slash++) {
        if (*slash != '/')
            continue;
        *slash = '\0';
        if (mkdir(partial, 0700) != 0 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    if (mkdir(partial, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int data_dir_open(const char *path, struct data_dir **out, char *error, size_t error_size)
{
    struct data_dir *dir = NULL;
    char lock_path[PATH_MAX];
    int result = DATA_DIR_ERROR_SYSTEM;

    dir = calloc(1, sizeof(*dir));
    if (dir == NULL) {
        snprintf(error, error_size, "out of memory");
        return DATA_DIR_ERROR_NO_MEMORY;
    }
    dir->lock_fd = -1;
    if (make_directories(path) != 0) {
        snprintf(error, error_size, "data_dir %s: cannot create: %s", path, strerror(errno));
        goto free_dir;
    }
    dir->path = realpath(path, NULL);
    if (dir->path == NULL) {
        snprintf(error, error_size, "data_dir %s: %s", path, strerror(errno));
        goto free_dir;
    }
    if (data_dir_file(dir, "parkshare.lock", lock_path, sizeof(lock_path)) != 0) {
        snprintf(error, error_size, "data_dir %s: path too long", dir->path);
        goto free_path;
    }
    dir->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (dir->lock_fd < 0) {
        snprintf(error, error_size, "%s: %s", lock_path, strerror(errno));
        goto free_path;
    }
    if (flock(dir->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            result = DATA_DIR_ERROR_LOCKED;
            snprintf(error, error_size,
                     "data_dir %s is in use by another parkshare-server (lock %s)", dir->path,
                     lock_path);
        } else {
            snprintf(error, error_size, "%s: lock: %s", lock_path, strerror(errno));
        }
        goto close_lock;
    }
    *out = dir;
    return 0;

close_lock:
    close(dir->lock_fd);
free_path:
    free(dir->path);
free_dir:
    free(dir);
    return result;
}

void data_dir_free(struct data_dir *dir)
{
    if (dir == NULL)
        return;
    if (dir->lock_fd >= 0)
        close(dir->lock_fd);
    free(dir->path);
    free(dir);
}

const char *data_dir_path(const struct data_dir *dir)
{
    return dir->path;
}

int data_dir_file(const struct data_dir *dir, const char *name, char *out, size_t out_size)
{
    int length = snprintf(out, out_size, "%s/%s", dir->path, name);
    return length < 0 || (size_t)length >= out_size ? -1 : 0;
}
