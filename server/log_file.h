/* log_file.h: the log's destination when log_file is set: the file, opened onto standard error. */
#ifndef PARKSHARE_LOG_FILE_H
#define PARKSHARE_LOG_FILE_H

#include <stddef.h>

/*
 * Open path for appending (created 0600 under the daemon's umask when
 * missing) and make it the process' standard error, where every log line
 * (and a child's stray output) goes. Called at start and on SIGHUP: after
 * logrotate renamed the file, the next line goes to a new file at path.
 * On failure standard error is left as it was and -1 returned with the
 * reason in error (naming the file).
 */
int log_file_open(const char *path, char *error, size_t error_size);

#endif
