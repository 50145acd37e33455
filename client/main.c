/* main.c: parkshare-cli's options and the dispatch of its commands to their modules. */
#include "board.h"
#include "command.h"
#include "forecast_eval.h"
#include "operator.h"
#include "reads.h"
#include "simulate.h"
#include "transport.h"
#include "updates.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <parkshare/wire.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: parkshare-cli [-u URL] [-t TOKEN | --token-file F] [--json] COMMAND ...\n"
        "\n"
        "Reads:      lots [--near LAT,LON] [--open] [--city C] [--group G]\n"
        "            lot ID | schedule ID [--days N] | totals [--city C] [--group G]\n"
        "Attendant:  in ID [N] | out ID [N] | set ID COUNT | sync\n"
        "Signage:    board [--city C | --group G] [--once]\n"
        "Operator:   import lots FILE | import calendar ID FILE...\n"
        "            token create --role R [--lots a,b] --name N [--link] [--qr]\n"
        "            token list | token revoke ID\n"
        "            audit [--lot L] [--since TIME] [--limit N]\n"
        "            forecast-eval [--lot ID] [--from DATE] [--to DATE]\n"
        "Demo:       simulate [--rate N] [--group G] [--duration S] [--seed N]\n"
        "\n"
        "  -u, --url URL        the daemon (PARKSHARE_URL; default http://127.0.0.1:8080)\n"
        "  -t, --token TOKEN    bearer token (PARKSHARE_TOKEN)\n"
        "      --token-file F   read the token from F\n"
        "      --json           print the server's JSON\n"
        "      --queue FILE     the offline queue (default $XDG_STATE_HOME/parkshare/queue)\n"
        "  -h, --help           show this help and exit\n"
        "  -v, --version        show the version and exit\n"
        "\n"
        "Exit status: 0 ok, 1 local failure, 2 usage, 3 network, 4 refused by the server,\n"
        "5 queued offline (the update will be sent by 'sync' or the next update).\n");
}

/* Replace the token with a copy of text; false when out of memory. */
static bool set_token(struct options *options, const char *text)
{
    free(options->token);
    options->token = strdup(text);
    return options->token != NULL;
}

static int read_token_file(const char *path, struct options *options)
{
    FILE *file = fopen(path, "re");
    char line[256];
    if (file == NULL)
        return command_say(EXIT_USAGE, "--token-file %s: %s", path, strerror(errno));
    if (fgets(line, sizeof(line), file) == NULL) {
        fclose(file);
        return command_say(EXIT_USAGE, "--token-file %s: empty", path);
    }
    fclose(file);
    line[strcspn(line, "\r\n")] = '\0';
    return set_token(options, line) ? 0 : command_say(EXIT_LOCAL, "out of memory");
}

static void default_queue_path(struct options *options)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (state != NULL && state[0] == '/')
        snprintf(options->queue_path, sizeof(options->queue_path), "%s/parkshare/queue", state);
    else
        snprintf(options->queue_path, sizeof(options->queue_path),
                 "%s/.local/state/parkshare/queue", home ? home : ".");
}

/* A count an attendant types: at most a lot's largest capacity, as the server takes it. */
static bool parse_count(const char *text, long long minimum, long long *value)
{
    char *end = NULL;
    errno = 0;
    *value = strtoll(text, &end, 10);
    return end != text && *end == '\0' && errno == 0 && *value >= minimum &&
           *value <= WIRE_CAPACITY_MAX;
}

struct read_filters {
    const char *near, *city, *group, *days;
    bool open, once;
};

static int parse_filters(int argc, char **argv, struct read_filters *filters)
{
    /* A text option's val is 1 + its index in texts; a flag sets its int (getopt_long gives 0). */
    const char **texts[] = {&filters->near, &filters->city, &filters->group, &filters->days};
    int open = 0, once = 0;
    const struct option options[] = {
        {"near", required_argument, NULL, 1},
        {"city", required_argument, NULL, 2},
        {"group", required_argument, NULL, 3},
        {"days", required_argument, NULL, 4},
        {"open", no_argument, &open, 1},
        {"once", no_argument, &once, 1},
        {NULL, 0, NULL, 0},
    };
    int option;

    memset(filters, 0, sizeof(*filters));
    /* 0, not 1: glibc then forgets the state of the first getopt_long run. */
    optind = 0;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (option >= 1 && option <= (int)(sizeof(texts) / sizeof(texts[0])))
            *texts[option - 1] = optarg;
        else if (option != 0)
            return EXIT_USAGE;
    }
    filters->open = open != 0;
    filters->once = once != 0;
    return 0;
}

static int dispatch(struct client *client, int argc, char **argv)
{
    const char *command = argv[0];
    struct read_filters filters;
    long long value = 1;

    /* The operator's commands parse their own arguments. */
    if (strcmp(command, "import") == 0)
        return operator_import(client, argc - 1, argv + 1);
    if (strcmp(command, "token") == 0)
        return operator_token(client, argc - 1, argv + 1);
    if (strcmp(command, "audit") == 0)
        return operator_audit(client, argc, argv);
    if (strcmp(command, "simulate") == 0)
        return simulate_run(client, argc, argv);
    if (strcmp(command, "forecast-eval") == 0)
        return forecast_eval_command(client, argc, argv);
    if (parse_filters(argc, argv, &filters) != 0)
        return EXIT_USAGE;
    argv += optind;
    argc -= optind;
    if (strcmp(command, "lots") == 0 && argc == 0)
        return reads_lots(client, filters.near, filters.city, filters.group, filters.open);
    if (strcmp(command, "lot") == 0 && argc == 1)
        return reads_lot(client, argv[0]);
    if (strcmp(command, "schedule") == 0 && argc == 1)
        return reads_schedule(client, argv[0], filters.days);
    if (strcmp(command, "totals") == 0 && argc == 0)
        return reads_totals(client, filters.city, filters.group);
    if ((strcmp(command, "in") == 0 || strcmp(command, "out") == 0) && (argc == 1 || argc == 2)) {
        if (argc == 2 && !parse_count(argv[1], 1, &value))
            return command_say(EXIT_USAGE, "%s: N must be a whole number from 1 to %d", command,
                               WIRE_CAPACITY_MAX);
        return updates_add_delta(client, argv[0], command[0] == 'i' ? value : -value);
    }
    if (strcmp(command, "set") == 0 && argc == 2) {
        if (!parse_count(argv[1], 0, &value))
            return command_say(EXIT_USAGE, "set: COUNT must be a whole number from 0 to %d",
                               WIRE_CAPACITY_MAX);
        return updates_set_occupied(client, argv[0], value);
    }
    if (strcmp(command, "sync") == 0 && argc == 0)
        return updates_sync(client);
    if (strcmp(command, "board") == 0 && argc == 0) {
        if (filters.city != NULL && filters.group != NULL)
            return command_say(EXIT_USAGE, "board: give --city or --group, not both");
        return board_run(client, filters.city, filters.group, filters.once);
    }
    usage(stderr);
    return command_say(EXIT_USAGE, "unknown command or wrong arguments: %s", command);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"url", required_argument, NULL, 'u'},        {"token", required_argument, NULL, 't'},
        {"token-file", required_argument, NULL, 'f'}, {"json", no_argument, NULL, 'j'},
        {"queue", required_argument, NULL, 'q'},      {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'v'},          {NULL, 0, NULL, 0},
    };
    struct client client = {0};
    int option, status = EXIT_OK;

    client.options.url =
        getenv("PARKSHARE_URL") ? getenv("PARKSHARE_URL") : "http://127.0.0.1:8080";
    default_queue_path(&client.options);
    if (getenv("PARKSHARE_TOKEN") != NULL &&
        !set_token(&client.options, getenv("PARKSHARE_TOKEN"))) {
        status = command_say(EXIT_LOCAL, "out of memory");
        goto free_token;
    }
    /* "+": stop at the command; its own options are parsed after it. */
    while ((option = getopt_long(argc, argv, "+u:t:hv", options, NULL)) != -1) {
        switch (option) {
        case 'u':
            client.options.url = optarg;
            break;
        case 't':
            if (!set_token(&client.options, optarg)) {
                status = command_say(EXIT_LOCAL, "out of memory");
                goto free_token;
            }
            break;
        case 'f':
            if ((status = read_token_file(optarg, &client.options)) != 0)
                goto free_token;
            break;
        case 'j':
            client.options.json = true;
            break;
        case 'q':
            snprintf(client.options.queue_path, PATH_MAX, "%s", optarg);
            break;
        case 'h':
            usage(stdout);
            goto free_token;
        case 'v':
            printf("parkshare-cli %s\n", PARKSHARE_VERSION);
            goto free_token;
        default:
            usage(stderr);
            status = EXIT_USAGE;
            goto free_token;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        status = EXIT_USAGE;
        goto free_token;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        status = command_say(EXIT_LOCAL, "cannot start libcurl");
        goto free_token;
    }
    client.transport = transport_new(client.options.url, client.options.token);
    status = client.transport ? dispatch(&client, argc - optind, argv + optind)
                              : command_say(EXIT_LOCAL, "out of memory");
    transport_free(client.transport);
    curl_global_cleanup();
free_token:
    free(client.options.token);
    return status;
}
