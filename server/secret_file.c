/* secret_file.c: a secret kept in a file of its own (the Redis password), read at start. */
#include "secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file's checks, on the descriptor that is read: no window for a swap. */
static int check_file(int fd, const char *path, const char *what, char *error, size_t error_size)
{
    struct stat status;

    if (fstat(fd, &status) != 0) {
        snprintf(error, error_size, "%s %s: %s", what, path, strerror(errno));
        return SECRET_FILE_ERROR_SYSTEM;
    }
    if (!S_ISREG(status.st_mode)) {
        snprintf(error, error_size, "%s %s is not a regular file", what, path);
        return SECRET_FILE_ERROR_MALFORMED;
    }
    if ((status.st_mode & 077) != 0) {
        snprintf(error, error_size,
                 "%s %s is open to group or others (mode %04o): make it private to the "
                 "daemon's user (chmod 600)",
                 what, path, (unsigned)(status.st_mode & 07777));
        return SECRET_FILE_ERROR_EXPOSED;
    }
    return 0;
}

/* The first line of what was read, without its line end; its length. */
static size_t first_line_length(const char *buffer, size_t length)
{
    const char *newline = memchr(buffer, '\n', length);
    size_t line = newline != NULL ? (size_t)(newline - buffer) : length;
    if (line > 0 && buffer[line - 1] == '\r')
        line--;
    return line;
}

int secret_file_read(const char *path, const char *what, char **secret, char *error,
                     size_t error_size)
{
    char buffer[SECRET_FILE_MAX + 2];
    ssize_t got;
    size_t line;
    int fd, result;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(error, error_size, "%s %s: %s", what, path, strerror(errno));
        return SECRET_FILE_ERROR_SYSTEM;
    }
    result = check_file(fd, path, what, error, error_size);
    if (result != 0)
        goto close_file;
    do
        got = read(fd, buffer, sizeof(buffer));
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        snprintf(error, error_size, "%s %s: %s", what, path, strerror(errno));
        result = SECRET_FILE_ERROR_SYSTEM;
        goto close_file;
    }
    line = first_line_length(buffer, (size_t)got);
    if (line == 0 || line > SECRET_FILE_MAX) {
        if (line == 0)
            snprintf(error, error_size, "%s %s: the first line is empty", what, path);
        else
            snprintf(error, error_size, "%s %s: the first line is longer than %d bytes", what, path,
                     SECRET_FILE_MAX);
        result = SECRET_FILE_ERROR_MALFORMED;
        goto wipe;
    }
    *secret = strndup(buffer, line);
    if (*secret == NULL) {
        snprintf(error, error_size, "out of memory");
        result = SECRET_FILE_ERROR_NO_MEMORY;
    }
wipe:
    explicit_bzero(buffer, sizeof(buffer));
close_file:
    close(fd);
    return result;
}
