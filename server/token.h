/* token.h: random bearer tokens and the admin token file. */
#ifndef PARKSHARE_TOKEN_H
#define PARKSHARE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* A token: "ps_" and 43 base64url characters carrying 256 random bits. */
#define TOKEN_LENGTH 46

enum token_error {
    TOKEN_ERROR_RANDOM = -1, /* the kernel gave no randomness */
    TOKEN_ERROR_FILE = -2,   /* the token file could not be read or written */
};

/*
 * Fill out (at least TOKEN_LENGTH + 1 bytes) with a new NUL-terminated
 * token from getrandom(2). Returns 0 or TOKEN_ERROR_RANDOM.
 */
int token_generate(char *out, size_t out_size);

/* Whether text has the form of a token ("ps_" and 43 base64url characters). */
bool token_is_well_formed(const char *text);

/* Write the lower-case hex SHA-256 of token and a NUL into out (65 bytes). */
void token_hash_hex(const char *token, char out[65]);

/* The public id of a token: "tok_" and the first 12 hex digits of its hash. */
void token_id_from_hash(const char *hash_hex, char out[17]);

/*
 * Read the token from path (as written by token_ensure_admin_file) into out
 * (at least TOKEN_LENGTH + 1 bytes). Returns 0 or TOKEN_ERROR_FILE.
 */
int token_read_file(const char *path, char *out, size_t out_size, char *error, size_t error_size);

/*
 * Make sure path holds an admin token: when the file is missing, create it
 * with mode 0600 and a new token, written with fsync before it is visible
 * (rename), and set *created. An existing file is left as it is. The token
 * never leaves this function. On failure returns a token_error and writes
 * the reason into error.
 */
int token_ensure_admin_file(const char *path, bool *created, char *error, size_t error_size);

#endif
