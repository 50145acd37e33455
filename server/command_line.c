/* command_line.c: parkshare-server's options, its usage, and the configuration from its sources. */
#include "command_line.h"

#include "growable.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZONEINFO_DIR "/usr/share/zoneinfo"

extern char **environ;

static void print_usage(FILE *out)
{
    fprintf(out, "Usage: parkshare-server [-c FILE] [--set key=value]... [-t] [-h] [-v]\n"
                 "\n"
                 "Serve live free-space counts and opening schedules of parking lots.\n"
                 "\n"
                 "  -c, --config FILE    read the configuration from FILE\n"
                 "      --set key=value  override one configuration key (repeatable)\n"
                 "  -t, --check-config   check the configuration and the files it names,\n"
                 "                       print \"configuration ok\" and exit\n"
                 "  -h, --help           show this help and exit\n"
                 "  -v, --version        show the version and exit\n"
                 "\n"
                 "Keys may also be set as PARKSHARE_<KEY> in the environment; --set wins\n"
                 "over the environment, which wins over the file. See parkshare.conf.\n"
                 "Exit status: 0 after a clean stop (or a good configuration with -t),\n"
                 "1 on a runtime failure, 2 on bad arguments or a bad configuration.\n");
}

/* Read a whole file; the caller frees *text. Returns 0 or -1 with errno set. */
static int read_file(const char *path, char **text, size_t *length)
{
    FILE *file = fopen(path, "re");
    char *buffer = NULL;
    size_t used = 0, capacity = 0;

    if (file == NULL)
        return -1;
    for (;;) {
        if (capacity - used < 4096 &&
            growable_reserve((void **)&buffer, &capacity, used + 65536, 1) != 0) {
            free(buffer);
            fclose(file);
            errno = ENOMEM;
            return -1;
        }
        size_t got = fread(buffer + used, 1, capacity - used - 1, file);
        used += got;
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        free(buffer);
        fclose(file);
        errno = EIO;
        return -1;
    }
    fclose(file);
    buffer[used] = '\0';
    *text = buffer;
    *length = used;
    return 0;
}

/* The zone must exist now, not when the first schedule is asked for. Returns 0 or -1. */
static int check_timezone(const struct config *config, char *error, size_t error_size)
{
    char zone_path[PATH_MAX];
    snprintf(zone_path, sizeof(zone_path), "%s/%s", ZONEINFO_DIR, config->timezone);
    if (access(zone_path, R_OK) == 0)
        return 0;
    snprintf(error, error_size, "timezone: no zone '%s' in %s (install tzdata)", config->timezone,
             ZONEINFO_DIR);
    return -1;
}

int command_line_load(int argc, char **argv, enum command_line_action *action, struct config **out)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'}, {"set", required_argument, NULL, 's'},
        {"check-config", no_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},      {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL;
    char error[512];
    struct config *config = config_new();
    int option;

    if (config == NULL) {
        fprintf(stderr, "parkshare-server: out of memory\n");
        return EXIT_RUNTIME_FAILURE;
    }
    *action = COMMAND_LINE_RUN;
    /* First pass: find -c, -t and -h/-v; --set is applied after the file and environment. */
    while ((option = getopt_long(argc, argv, "c:thv", options, NULL)) != -1) {
        switch (option) {
        case 'c':
            config_path = optarg;
            break;
        case 's':
            break;
        case 't':
            *action = COMMAND_LINE_CHECK_CONFIG;
            break;
        case 'h':
            print_usage(stdout);
            *action = COMMAND_LINE_DONE;
            config_free(config);
            return 0;
        case 'v':
            printf("parkshare-server %s\n", PARKSHARE_VERSION);
            *action = COMMAND_LINE_DONE;
            config_free(config);
            return 0;
        default:
            print_usage(stderr);
            config_free(config);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "parkshare-server: unexpected argument '%s'\n", argv[optind]);
        print_usage(stderr);
        goto fail;
    }
    if (config_path != NULL) {
        char *text = NULL;
        size_t length = 0;
        int result;
        if (read_file(config_path, &text, &length) != 0) {
            fprintf(stderr, "parkshare-server: %s: %s\n", config_path, strerror(errno));
            goto fail;
        }
        result = config_load_text(config, config_path, text, length, error, sizeof(error));
        free(text);
        if (result != 0)
            goto report;
    }
    if (config_apply_environment(config, environ, error, sizeof(error)) != 0)
        goto report;
    optind = 1;
    while ((option = getopt_long(argc, argv, "c:thv", options, NULL)) != -1) {
        if (option == 's' && config_apply_assignment(config, optarg, error, sizeof(error)) != 0)
            goto report;
    }
    if (check_timezone(config, error, sizeof(error)) != 0)
        goto report;
    *out = config;
    return 0;

report:
    fprintf(stderr, "parkshare-server: %s\n", error);
fail:
    config_free(config);
    return EXIT_USAGE;
}
