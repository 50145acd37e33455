/* data_dir.c: the daemon's state directory, created on demand and locked. */
#include "data_dir.h"

#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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

/* Deeper than Redis' appendonlydir is not ours: the walk stops there. */
#define PRIVATE_WALK_DEPTH 8

/* What the walk tightened, for the one log line that says so. */
struct tightened {
    size_t count;
    char names[200]; /* the first few, comma-separated */
};

static void note_tightened(struct tightened *tightened, const char *name)
{
    size_t used = strlen(tightened->names);
    if (tightened->count++ < 4)
        snprintf(tightened->names + used, sizeof(tightened->names) - used, "%s%s",
                 used > 0 ? ", " : "", name);
}

/* Drop group and other bits from one entry (never through a symbolic link). */
static int make_entry_private(int parent_fd, const char *name, const char *shown,
                              const struct stat *status, struct tightened *tightened)
{
    if ((status->st_mode & 077) == 0)
        return 0;
    if (fchmodat(parent_fd, name, status->st_mode & 07700, 0) != 0)
        return -1;
    note_tightened(tightened, shown);
    return 0;
}

/*
 * Make every entry under the open directory dir_fd private to the daemon's
 * user: directories 0700 and files 0600 as they are created now, and older
 * ones (a copied or restored data_dir, an earlier version) tightened here.
 * Symbolic links are not followed. On failure *failed names the entry.
 */
static int make_tree_private(int dir_fd, const char *prefix, int depth, struct tightened *tightened,
                             char *failed, size_t failed_size)
{
    DIR *listing = fdopendir(dir_fd);
    struct dirent *entry;
    int result = 0;

    if (listing == NULL) {
        close(dir_fd);
        snprintf(failed, failed_size, "%s", prefix[0] ? prefix : ".");
        return -1;
    }
    while (result == 0 && (entry = readdir(listing)) != NULL) {
        char shown[PATH_MAX];
        struct stat status;
        int child_fd;

        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(shown, sizeof(shown), "%s%s", prefix, entry->d_name);
        snprintf(failed, failed_size, "%s", shown);
        if (fstatat(dirfd(listing), entry->d_name, &status, AT_SYMLINK_NOFOLLOW) != 0) {
            result = -1;
            break;
        }
        if (S_ISLNK(status.st_mode))
            continue;
        result = make_entry_private(dirfd(listing), entry->d_name, shown, &status, tightened);
        if (result != 0 || !S_ISDIR(status.st_mode) || depth >= PRIVATE_WALK_DEPTH)
            continue;
        child_fd =
            openat(dirfd(listing), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child_fd < 0) {
            result = -1;
            break;
        }
        strncat(shown, "/", sizeof(shown) - strlen(shown) - 1);
        result = make_tree_private(child_fd, shown, depth + 1, tightened, failed, failed_size);
    }
    closedir(listing);
    return result;
}

/* The directory itself, then everything in it; logs what was tightened. */
static int make_private(const char *path, char *error, size_t error_size)
{
    struct tightened tightened = {0};
    char failed[PATH_MAX] = ".";
    struct stat status;
    int dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dir_fd < 0 || fstat(dir_fd, &status) != 0) {
        snprintf(error, error_size, "data_dir %s: %s", path, strerror(errno));
        if (dir_fd >= 0)
            close(dir_fd);
        return -1;
    }
    if ((status.st_mode & 077) != 0) {
        if (fchmod(dir_fd, status.st_mode & 07700) != 0) {
            snprintf(error, error_size, "data_dir %s: cannot make it private: %s", path,
                     strerror(errno));
            close(dir_fd);
            return -1;
        }
        note_tightened(&tightened, "the directory");
    }
    if (make_tree_private(dir_fd, "", 1, &tightened, failed, sizeof(failed)) != 0) {
        snprintf(error, error_size, "data_dir %s: cannot make %s private: %s", path, failed,
                 strerror(errno));
        return -1;
    }
    if (tightened.count > 0)
        log_warning("data_dir",
                    "%s: removed group and other access from %zu entr%s (%s%s); it is the "
                    "daemon's alone",
                    path, tightened.count, tightened.count == 1 ? "y" : "ies", tightened.names,
                    tightened.count > 4 ? ", ..." : "");
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
    if (make_private(dir->path, error, error_size) != 0)
        goto close_lock;
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
