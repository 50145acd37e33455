/* log_file.c: the log's destination when log_file is set: the file, opened onto standard error. */
#include "log_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int log_file_open(const char *path, char *error, size_t error_size)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);

    if (fd < 0) {
        snprintf(error, error_size, "log_file %s: %s", path, strerror(errno));
        return -1;
    }
    /* dup2 swaps the descriptor in one step: no line is lost or torn between. */
    if (dup2(fd, STDERR_FILENO) < 0) {
        snprintf(error, error_size, "log_file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}
