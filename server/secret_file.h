/* secret_file.h: a secret kept in a file of its own (the Redis password), read at start. */
#ifndef PARKSHARE_SECRET_FILE_H
#define PARKSHARE_SECRET_FILE_H

#include <stddef.h>

/* Expected failures; the error text names the file and the cause, never the content. */
enum secret_file_error {
    SECRET_FILE_ERROR_SYSTEM = -1,    /* open or read failed (missing, permissions) */
    SECRET_FILE_ERROR_EXPOSED = -2,   /* group or others have access to it */
    SECRET_FILE_ERROR_MALFORMED = -3, /* not a regular file, empty first line, too long */
    SECRET_FILE_ERROR_NO_MEMORY = -4,
};

/* The longest secret taken, in bytes: a password, not a document. */
#define SECRET_FILE_MAX 1024

/*
 * Read the first line of the file at path (its newline, and a carriage
 * return before it, stripped) into *secret, which the caller owns and
 * should wipe (explicit_bzero) before free. The file must be a regular file
 * with no permission for group or others (0600 or 0400): a secret others
 * can read is refused, not used. what names the setting in messages
 * ("redis_password_file"). Returns 0 or a secret_file_error with the
 * reason in error.
 */
int secret_file_read(const char *path, const char *what, char **secret, char *error,
                     size_t error_size);

#endif
