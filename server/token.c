/* token.c: random bearer tokens and the admin token file. */
#include "token.h"

#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static const char base64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int token_generate(char *out, size_t out_size)
{
    unsigned char random_bytes[33]; /* 264 bits: 44 characters, 43 used */
    size_t filled = 0;

    if (out_size < TOKEN_LENGTH + 1)
        return TOKEN_ERROR_RANDOM;
    while (filled < sizeof(random_bytes)) {
        ssize_t got = getrandom(random_bytes + filled, sizeof(random_bytes) - filled, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return TOKEN_ERROR_RANDOM;
        filled += (size_t)got;
    }
    memcpy(out, "ps_", 3);
    for (size_t i = 0; i < 43; i++) {
        /* 6 bits per character, read across byte boundaries. */
        size_t bit = i * 6;
        unsigned value =
            ((unsigned)random_bytes[bit / 8] << 8 | random_bytes[bit / 8 + 1]) >> (10 - bit % 8);
        out[3 + i] = base64url[value & 63];
    }
    out[TOKEN_LENGTH] = '\0';
    return 0;
}

static int write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, data, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return -1;
        data += written;
        length -= (size_t)written;
    }
    return 0;
}

int token_ensure_admin_file(const char *path, bool *created, char *error, size_t error_size)
{
    char temporary[PATH_MAX];
    char token[TOKEN_LENGTH + 2];
    struct stat status;
    int fd = -1;
    int result = TOKEN_ERROR_FILE;

    *created = false;
    if (stat(path, &status) == 0) {
        if (!S_ISREG(status.st_mode) || status.st_size < TOKEN_LENGTH) {
            snprintf(error, error_size, "%s exists but holds no token", path);
            return TOKEN_ERROR_FILE;
        }
        return 0;
    }
    if (errno != ENOENT) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return TOKEN_ERROR_FILE;
    }
    if (snprintf(temporary, sizeof(temporary), "%s.new", path) >= (int)sizeof(temporary)) {
        snprintf(error, error_size, "%s: path too long", path);
        return TOKEN_ERROR_FILE;
    }
    if (token_generate(token, sizeof(token)) != 0) {
        snprintf(error, error_size, "getrandom: %s", strerror(errno));
        return TOKEN_ERROR_RANDOM;
    }
    strcat(token, "\n");
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(error, error_size, "%s: %s", temporary, strerror(errno));
        goto wipe_token;
    }
    /* The umask may have narrowed 0600 but never widens it; make it exact. */
    if (fchmod(fd, 0600) != 0 || write_all(fd, token, strlen(token)) != 0 || fsync(fd) != 0) {
        snprintf(error, error_size, "%s: %s", temporary, strerror(errno));
        goto remove_temporary;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(error, error_size, "%s: %s", temporary, strerror(errno));
        goto remove_temporary;
    }
    fd = -1;
    if (rename(temporary, path) != 0) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        goto remove_temporary;
    }
    *created = true;
    result = 0;
    goto wipe_token;

remove_temporary:
    if (fd >= 0)
        close(fd);
    unlink(temporary);
wipe_token:
    explicit_bzero(token, sizeof(token));
    return result;
}

bool token_is_well_formed(const char *text)
{
    if (strncmp(text, "ps_", 3) != 0 || strlen(text) != TOKEN_LENGTH)
        return false;
    for (const char *p = text + 3; *p; p++) {
        if (strchr(base64url, *p) == NULL)
            return false;
    }
    return true;
}

void token_hash_hex(const char *token, char out[65])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t digest[32];
    sha256(token, strlen(token), digest);
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 15];
    }
    out[64] = '\0';
}

void token_id_from_hash(const char *hash_hex, char out[17])
{
    snprintf(out, 17, "tok_%.12s", hash_hex);
}

int token_read_file(const char *path, char *out, size_t out_size, char *error, size_t error_size)
{
    FILE *file = fopen(path, "re");
    size_t length;

    if (file == NULL) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return TOKEN_ERROR_FILE;
    }
    length = fread(out, 1, out_size - 1, file);
    fclose(file);
    out[length] = '\0';
    while (length > 0 && (out[length - 1] == '\n' || out[length - 1] == '\r'))
        out[--length] = '\0';
    if (!token_is_well_formed(out)) {
        explicit_bzero(out, out_size);
        snprintf(error, error_size, "%s does not hold a parkshare token", path);
        return TOKEN_ERROR_FILE;
    }
    return 0;
}
