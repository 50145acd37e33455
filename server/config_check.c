/* config_check.c: --check-config: the files a configuration names, checked without starting. */
#include "config_check.h"

#include "api_web.h"
#include "bootstrap.h"
#include "secret_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* key's directory exists and can be listed. Returns 0 or -1 with the reason. */
static int check_directory(const char *key, const char *path, char *error, size_t error_size)
{
    struct stat status;

    if (stat(path, &status) != 0) {
        snprintf(error, error_size, "%s %s: %s", key, path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(status.st_mode)) {
        snprintf(error, error_size, "%s %s: not a directory", key, path);
        return -1;
    }
    if (access(path, R_OK | X_OK) != 0) {
        snprintf(error, error_size, "%s %s: %s", key, path, strerror(errno));
        return -1;
    }
    return 0;
}

static int check_password_file(const struct config *config, char *error, size_t error_size)
{
    char *password = NULL;

    if (config->redis_password_file == NULL || config->redis_mode == CONFIG_REDIS_EMBEDDED)
        return 0;
    if (secret_file_read(config->redis_password_file, "redis_password_file", &password, error,
                         error_size) != 0)
        return -1;
    explicit_bzero(password, strlen(password));
    free(password);
    return 0;
}

static int check_web_root(const struct config *config, char *error, size_t error_size)
{
    struct api_web *web = NULL;
    char reason[512];

    if (check_directory("web_root", config->web_root, error, error_size) != 0)
        return -1;
    if (api_web_new(config, &web, reason, sizeof(reason)) != 0) {
        snprintf(error, error_size, "%s", reason);
        return -1;
    }
    api_web_free(web);
    return 0;
}

int config_check(const struct config *config, char *error, size_t error_size)
{
    if (check_password_file(config, error, error_size) != 0 ||
        check_web_root(config, error, error_size) != 0 ||
        check_directory("calendar_dir", config->calendar_dir, error, error_size) != 0)
        return -1;
    return bootstrap_check_files(config->calendar_dir, config->demo_path, error, error_size);
}
