/* main.c: parkshare-cli: reads, attendant updates with an offline queue, a terminal board. */
#include "big_digits.h"
#include "command.h"
#include "operator.h"
#include "queue.h"
#include "transport.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

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
        "            token create --role R [--lots a,b] --name N | token list | token revoke ID\n"
        "            audit [--lot L] [--since TIME] [--limit N]\n"
        "\n"
        "  -u, --url URL        the daemon (PARKSHARE_URL; default http://127.0.0.1:8080)\n"
        "  -t, --token TOKEN    bearer token (PARKSHARE_TOKEN)\n"
        "      --token-file F   read the token from F\n"
        "      --json           print the server's JSON\n"
        "      --queue FILE     the offline queue (default $XDG_STATE_HOME/parkshare/queue)\n"
        "\n"
        "Exit status: 0 ok, 1 local failure, 2 usage, 3 network, 4 refused by the server,\n"
        "5 queued offline (the update will be sent by 'sync' or the next update).\n");
}

/* GET path; prints the JSON with --json, else hands it to show. */
static int read_command(struct client *client, const char *path, void (*show)(json_t *))
{
    struct transport_answer answer;
    char error[512];
    json_t *document;

    if (transport_request(client->transport, "GET", path, NULL, NULL, NULL, 0, &answer, error,
                          sizeof(error)) != 0)
        return command_say(EXIT_NETWORK, "%s", error);
    if (answer.status != 200)
        return command_refused(&answer);
    if (client->options.json || show == NULL) {
        fwrite(answer.body, 1, answer.length, stdout);
        if (answer.length > 0 && answer.body[answer.length - 1] != '\n')
            putchar('\n');
        return EXIT_OK;
    }
    document = json_loads(answer.body, 0, NULL);
    if (document == NULL)
        return command_say(EXIT_NETWORK, "the server's answer is not JSON");
    show(document);
    json_decref(document);
    return EXIT_OK;
}

static const char *free_text(const json_t *lot, char buffer[24])
{
    const json_t *free_count = json_object_get(lot, "free");
    if (!json_is_integer(free_count))
        return "-";
    snprintf(buffer, 24, "%lld", (long long)json_integer_value(free_count));
    return buffer;
}

static void show_lot_row(const json_t *lot)
{
    char free_buffer[24];
    const json_t *distance = json_object_get(lot, "distance_m");
    printf("%-28s %-8s %5s/%-6lld %-26s %s\n", json_string_value(json_object_get(lot, "id")),
           json_string_value(json_object_get(lot, "state")), free_text(lot, free_buffer),
           (long long)json_integer_value(json_object_get(lot, "capacity")),
           json_is_string(json_object_get(lot, "next_change"))
               ? json_string_value(json_object_get(lot, "next_change"))
               : "-",
           json_string_value(json_object_get(lot, "name")));
    if (json_is_integer(distance))
        printf("%-28s %lld m\n", "", (long long)json_integer_value(distance));
}

static void show_lots(json_t *document)
{
    size_t index;
    json_t *lot;
    printf("%-28s %-8s %12s %-26s %s\n", "ID", "STATE", "FREE/CAP", "NEXT CHANGE", "NAME");
    json_array_foreach(json_object_get(document, "lots"), index, lot) show_lot_row(lot);
}

static void show_lot(json_t *lot)
{
    char free_buffer[24];
    printf("%s (%s)\n", json_string_value(json_object_get(lot, "name")),
           json_string_value(json_object_get(lot, "id")));
    printf("  state       %s\n", json_string_value(json_object_get(lot, "state")));
    printf("  free        %s of %lld\n", free_text(lot, free_buffer),
           (long long)json_integer_value(json_object_get(lot, "capacity")));
    printf("  next change %s\n", json_is_string(json_object_get(lot, "next_change"))
                                     ? json_string_value(json_object_get(lot, "next_change"))
                                     : "-");
    printf("  hours       %s\n", json_is_string(json_object_get(lot, "opening_hours"))
                                     ? json_string_value(json_object_get(lot, "opening_hours"))
                                     : "-");
}

static void show_schedule(json_t *document)
{
    size_t index, window_index;
    json_t *day, *window;
    json_array_foreach(json_object_get(document, "days"), index, day)
    {
        printf("%s %-15s", json_string_value(json_object_get(day, "date")),
               json_string_value(json_object_get(day, "day_type")));
        if (json_array_size(json_object_get(day, "open")) == 0)
            printf(" closed");
        json_array_foreach(json_object_get(day, "open"), window_index, window)
            printf(" %.5s-%.5s", json_string_value(json_object_get(window, "start")) + 11,
                   json_string_value(json_object_get(window, "end")) + 11);
        if (json_is_string(json_object_get(day, "holiday_name")))
            printf("  %s", json_string_value(json_object_get(day, "holiday_name")));
        putchar('\n');
    }
}

static void show_totals(json_t *totals)
{
    printf("free %lld of %lld; %lld lots, %lld open, %lld full, %lld unknown\n",
           (long long)json_integer_value(json_object_get(totals, "free")),
           (long long)json_integer_value(json_object_get(totals, "capacity")),
           (long long)json_integer_value(json_object_get(totals, "lots")),
           (long long)json_integer_value(json_object_get(totals, "lots_open")),
           (long long)json_integer_value(json_object_get(totals, "lots_full")),
           (long long)json_integer_value(json_object_get(totals, "lots_unknown")));
}

/* --- attendant updates --- */

static void new_key(char out[33])
{
    unsigned char random_bytes[16];
    if (getrandom(random_bytes, sizeof(random_bytes), 0) != (ssize_t)sizeof(random_bytes)) {
        /* Uniqueness, not secrecy, is what a key needs: time and pid will do. */
        snprintf(out, 33, "%016llx%08x%08x", (unsigned long long)time(NULL), (unsigned)getpid(),
                 (unsigned)clock());
        return;
    }
    for (size_t i = 0; i < sizeof(random_bytes); i++)
        snprintf(out + 2 * i, 3, "%02x", random_bytes[i]);
}

/*
 * Send the queue in order through the batch endpoint. Accepted items and
 * refused ones (4xx, final and reported) leave the queue; the first item
 * that meets a 5xx, and everything after it, stays. Returns EXIT_OK when
 * the queue is empty, EXIT_QUEUED when items remain, EXIT_REFUSED when some
 * were refused, EXIT_LOCAL on a queue file error.
 */
static int replay(struct client *client, struct queue *queue)
{
    int status = EXIT_OK;
    char error[512];

    while (queue->count > 0) {
        size_t batch = queue->count < 500 ? queue->count : 500, done = 0;
        struct transport_answer answer;
        json_t *updates = json_array(), *body, *document, *results;
        char *text;
        int sent;

        for (size_t i = 0; i < batch; i++)
            json_array_append_new(updates, json_loads(queue->lines[i], 0, NULL));
        body = json_pack("{s:o}", "updates", updates);
        text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        sent = transport_request(client->transport, "POST", "/v1/occupancy", text, NULL, NULL, 0,
                                 &answer, error, sizeof(error));
        free(text);
        if (sent != 0)
            return EXIT_QUEUED; /* unreachable: keep everything */
        if (answer.status != 200)
            return answer.status >= 500 ? EXIT_QUEUED : command_refused(&answer);
        document = json_loads(answer.body, 0, NULL);
        results = json_object_get(document, "results");
        for (; done < batch && done < json_array_size(results); done++) {
            json_t *result = json_array_get(results, done);
            json_int_t code = json_integer_value(json_object_get(result, "status"));
            if (code >= 500)
                break;
            if (code >= 400) {
                command_say(EXIT_REFUSED, "queued update for %s refused (%lld): %s",
                            json_string_value(json_object_get(result, "id")), (long long)code,
                            json_string_value(
                                json_object_get(json_object_get(result, "problem"), "detail")));
                status = EXIT_REFUSED;
            }
        }
        json_decref(document);
        if (queue_shift(queue, done, error, sizeof(error)) != 0)
            return command_say(EXIT_LOCAL, "%s", error);
        if (done < batch)
            return EXIT_QUEUED;
    }
    return status;
}

static int update_command(struct client *client, const char *lot_id, const char *field,
                          long long value)
{
    struct transport_answer answer;
    struct queue queue;
    char key[33], error[512], body[128], *line;
    int status;

    new_key(key);
    snprintf(body, sizeof(body), "{\"%s\":%lld}", field, value);
    if (asprintf(&line, "{\"id\":\"%s\",\"%s\":%lld,\"idempotency_key\":\"%s\"}", lot_id, field,
                 value, key) < 0)
        return command_say(EXIT_LOCAL, "out of memory");
    if (queue_load(client->options.queue_path, &queue, error, sizeof(error)) != 0) {
        free(line);
        return command_say(EXIT_LOCAL, "%s", error);
    }
    if (error[0] != '\0')
        command_say(EXIT_LOCAL, "%s", error);
    /* Earlier updates go first: the server sees them in the order they were made. */
    status = replay(client, &queue);
    if (status == EXIT_QUEUED) {
        status = queue_push(&queue, line, error, sizeof(error)) == 0
                     ? command_say(EXIT_QUEUED, "offline: %zu update(s) queued in %s", queue.count,
                                   queue.path)
                     : command_say(EXIT_LOCAL, "%s", error);
        goto done;
    }
    {
        char path[200];
        snprintf(path, sizeof(path), "/v1/lots/%s/occupancy", lot_id);
        if (transport_request(client->transport, "POST", path, body, key, NULL, 0, &answer, error,
                              sizeof(error)) != 0 ||
            answer.status >= 500) {
            status = queue_push(&queue, line, error, sizeof(error)) == 0
                         ? command_say(EXIT_QUEUED,
                                       "offline: the update is queued in %s; 'sync' sends it",
                                       queue.path)
                         : command_say(EXIT_LOCAL, "%s", error);
            goto done;
        }
    }
    if (answer.status != 200) {
        status = command_refused(&answer);
        goto done;
    }
    if (client->options.json) {
        printf("%s\n", answer.body);
    } else {
        json_t *result = json_loads(answer.body, 0, NULL);
        printf("%s: %lld occupied, %lld free of %lld%s\n", lot_id,
               (long long)json_integer_value(json_object_get(result, "occupied")),
               (long long)json_integer_value(json_object_get(result, "free")),
               (long long)json_integer_value(json_object_get(result, "capacity")),
               json_is_true(json_object_get(result, "clamped")) ? " (clamped)" : "");
        json_decref(result);
    }
    status = status == EXIT_REFUSED ? EXIT_REFUSED : EXIT_OK;
done:
    free(line);
    queue_clear(&queue);
    return status;
}

static int sync_command(struct client *client)
{
    struct queue queue;
    char error[512];
    size_t before;
    int status;

    if (queue_load(client->options.queue_path, &queue, error, sizeof(error)) != 0)
        return command_say(EXIT_LOCAL, "%s", error);
    if (error[0] != '\0')
        command_say(EXIT_LOCAL, "%s", error);
    before = queue.count;
    status = replay(client, &queue);
    if (status == EXIT_QUEUED)
        command_say(EXIT_QUEUED, "offline: %zu of %zu update(s) still queued in %s", queue.count,
                    before, queue.path);
    else if (!client->options.json)
        printf("sent %zu queued update(s)\n", before - queue.count);
    queue_clear(&queue);
    return status;
}

/* --- board --- */

static volatile sig_atomic_t board_stop, board_resized;

static void on_stop(int signal_number)
{
    (void)signal_number;
    board_stop = 1;
}

static void on_resize(int signal_number)
{
    (void)signal_number;
    board_resized = 1;
}

/* The terminal's width, or 0 when stdout is not a terminal. */
static int terminal_width(void)
{
    struct winsize size;
    return ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

/* Draw the frame; on a terminal, clear it and centre the letters in its width. */
static void draw_board(const char *text, const char *caption, bool live)
{
    char art[4096];
    int width = live ? terminal_width() : 0;
    size_t art_width = strlen(text) * 6;

    if (live)
        fputs("\033[H\033[2J", stdout);
    if (big_digits_render(text, art, sizeof(art)) > 0) {
        int margin = width > (int)art_width ? (width - (int)art_width) / 2 : 0;
        for (char *row = strtok(art, "\n"); row != NULL; row = strtok(NULL, "\n"))
            printf("%*s%s\n", margin, "", row);
    }
    printf("%s\n", caption);
    fflush(stdout);
}

static int board_command(struct client *client, const char *city, const char *group, bool once)
{
    char path[512] = "/v1/totals.txt", caption[256], error[512], etag[128] = "", shown[32] = "";
    struct transport_answer answer;
    int delay = 1;

    command_add_parameter(path, sizeof(path), "city", city);
    command_add_parameter(path, sizeof(path), "group", group);
    snprintf(caption, sizeof(caption), "%s%s",
             group  ? group
             : city ? city
                    : "all lots",
             once ? "" : "  (Ctrl-C to stop)");
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGWINCH, on_resize);
    while (!board_stop) {
        char request_path[600];
        if (board_resized && shown[0] != '\0') {
            board_resized = 0;
            draw_board(shown, caption, true);
        }
        /* Long poll: the answer comes when the number changes, or as 304 within
         * 10 s, which is also how soon a resized terminal is redrawn. */
        snprintf(request_path, sizeof(request_path), "%s%s", path,
                 once || etag[0] == '\0' ? "" : (strchr(path, '?') ? "&wait=10" : "?wait=10"));
        if (transport_request(client->transport, "GET", request_path, NULL, NULL,
                              etag[0] ? etag : NULL, 20, &answer, error, sizeof(error)) != 0) {
            if (once)
                return command_say(EXIT_NETWORK, "%s", error);
            draw_board("", "connection lost; retrying", true);
            sleep((unsigned)delay);
            delay = delay < 8 ? delay * 2 : 8;
            continue;
        }
        delay = 1;
        if (answer.status == 304)
            continue;
        if (answer.status != 200)
            return command_refused(&answer);
        snprintf(etag, sizeof(etag), "%s",
                 transport_etag(client->transport) ? transport_etag(client->transport) : "");
        snprintf(shown, sizeof(shown), "%.*s", (int)strcspn(answer.body, "\n"), answer.body);
        draw_board(shown, caption, !once);
        if (once)
            return EXIT_OK;
    }
    return EXIT_OK;
}

/* --- arguments --- */

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
    free(options->token);
    options->token = strdup(line);
    return options->token ? 0 : EXIT_LOCAL;
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

static bool parse_count(const char *text, long long minimum, long long *value)
{
    char *end = NULL;
    errno = 0;
    *value = strtoll(text, &end, 10);
    return end != text && *end == '\0' && errno == 0 && *value >= minimum && *value <= 100000;
}

struct read_filters {
    const char *near, *city, *group, *days;
    bool open, once;
};

static int parse_filters(int argc, char **argv, struct read_filters *filters)
{
    static const struct option options[] = {
        {"near", required_argument, NULL, 'n'},
        {"open", no_argument, NULL, 'o'},
        {"city", required_argument, NULL, 'c'},
        {"group", required_argument, NULL, 'g'},
        {"days", required_argument, NULL, 'd'},
        {"once", no_argument, NULL, '1'},
        {NULL, 0, NULL, 0},
    };
    int option;
    memset(filters, 0, sizeof(*filters));
    /* 0, not 1: glibc then forgets the state of the first getopt_long run. */
    optind = 0;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (option) {
        case 'n':
            filters->near = optarg;
            break;
        case 'o':
            filters->open = true;
            break;
        case 'c':
            filters->city = optarg;
            break;
        case 'g':
            filters->group = optarg;
            break;
        case 'd':
            filters->days = optarg;
            break;
        case '1':
            filters->once = true;
            break;
        default:
            return EXIT_USAGE;
        }
    }
    return 0;
}

static int dispatch(struct client *client, int argc, char **argv)
{
    const char *command = argv[0];
    struct read_filters filters;
    char path[600];
    long long value = 1;

    /* The operator's commands parse their own arguments. */
    if (strcmp(command, "import") == 0)
        return operator_import(client, argc - 1, argv + 1);
    if (strcmp(command, "token") == 0)
        return operator_token(client, argc - 1, argv + 1);
    if (strcmp(command, "audit") == 0)
        return operator_audit(client, argc, argv);
    if (parse_filters(argc, argv, &filters) != 0)
        return EXIT_USAGE;
    argv += optind;
    argc -= optind;
    if (strcmp(command, "lots") == 0 && argc == 0) {
        snprintf(path, sizeof(path), "/v1/lots");
        command_add_parameter(path, sizeof(path), "near", filters.near);
        command_add_parameter(path, sizeof(path), "city", filters.city);
        command_add_parameter(path, sizeof(path), "group", filters.group);
        command_add_parameter(path, sizeof(path), "open", filters.open ? "true" : NULL);
        command_add_parameter(path, sizeof(path), "limit", "500");
        return read_command(client, path, show_lots);
    }
    if (strcmp(command, "lot") == 0 && argc == 1) {
        snprintf(path, sizeof(path), "/v1/lots/%s", argv[0]);
        return read_command(client, path, show_lot);
    }
    if (strcmp(command, "schedule") == 0 && argc == 1) {
        snprintf(path, sizeof(path), "/v1/lots/%s/schedule", argv[0]);
        command_add_parameter(path, sizeof(path), "days", filters.days);
        return read_command(client, path, show_schedule);
    }
    if (strcmp(command, "totals") == 0 && argc == 0) {
        snprintf(path, sizeof(path), "/v1/totals");
        command_add_parameter(path, sizeof(path), "city", filters.city);
        command_add_parameter(path, sizeof(path), "group", filters.group);
        return read_command(client, path, show_totals);
    }
    if ((strcmp(command, "in") == 0 || strcmp(command, "out") == 0) && (argc == 1 || argc == 2)) {
        if (argc == 2 && !parse_count(argv[1], 1, &value))
            return command_say(EXIT_USAGE, "%s: N must be a whole number from 1 to 100000",
                               command);
        return update_command(client, argv[0], "delta", command[0] == 'i' ? value : -value);
    }
    if (strcmp(command, "set") == 0 && argc == 2) {
        if (!parse_count(argv[1], 0, &value))
            return command_say(EXIT_USAGE, "set: COUNT must be a whole number from 0 to 100000");
        return update_command(client, argv[0], "occupied", value);
    }
    if (strcmp(command, "sync") == 0 && argc == 0)
        return sync_command(client);
    if (strcmp(command, "board") == 0 && argc == 0) {
        if (filters.city != NULL && filters.group != NULL)
            return command_say(EXIT_USAGE, "board: give --city or --group, not both");
        return board_command(client, filters.city, filters.group, filters.once);
    }
    usage(stderr);
    return command_say(EXIT_USAGE, "unknown command or wrong arguments: %s", command);
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"url", required_argument, NULL, 'u'},
        {"token", required_argument, NULL, 't'},
        {"token-file", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {"queue", required_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct client client = {0};
    int option, status;

    client.options.url =
        getenv("PARKSHARE_URL") ? getenv("PARKSHARE_URL") : "http://127.0.0.1:8080";
    client.options.token = getenv("PARKSHARE_TOKEN") ? strdup(getenv("PARKSHARE_TOKEN")) : NULL;
    default_queue_path(&client.options);
    /* "+": stop at the command; its own options are parsed after it. */
    while ((option = getopt_long(argc, argv, "+u:t:h", options, NULL)) != -1) {
        switch (option) {
        case 'u':
            client.options.url = optarg;
            break;
        case 't':
            free(client.options.token);
            client.options.token = strdup(optarg);
            break;
        case 'f':
            if ((status = read_token_file(optarg, &client.options)) != 0)
                return status;
            break;
        case 'j':
            client.options.json = true;
            break;
        case 'q':
            snprintf(client.options.queue_path, PATH_MAX, "%s", optarg);
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return command_say(EXIT_LOCAL, "cannot start libcurl");
    client.transport = transport_new(client.options.url, client.options.token);
    status = client.transport ? dispatch(&client, argc - optind, argv + optind)
                              : command_say(EXIT_LOCAL, "out of memory");
    transport_free(client.transport);
    free(client.options.token);
    curl_global_cleanup();
    return status;
}
