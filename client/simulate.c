/* simulate.c: parkshare-cli simulate: realistic arrivals and departures for demonstrations. */
#include "simulate.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REFRESH_S 5
#define RATE_MAX  100

struct sim_lot {
    char id[80];
    int64_t occupied;
    int64_t capacity;
};

struct simulation {
    struct client *client;
    const char *group;
    struct sim_lot *lots; /* the open lots the token may update */
    size_t count;
    char refused[64][80]; /* lots the token may not update: left alone */
    size_t refused_count;
    long arrivals, departures;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

int simulate_step(int64_t occupied, int64_t capacity, double draw)
{
    double fill;

    if (capacity < 1)
        return 0;
    if (occupied <= 0)
        return 1;
    if (occupied >= capacity)
        return -1;
    fill = (double)occupied / (double)capacity;
    return draw < 0.8 - 0.5 * fill ? 1 : -1;
}

static double now_s(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static bool is_refused(const struct simulation *sim, const char *id)
{
    for (size_t i = 0; i < sim->refused_count; i++)
        if (strcmp(sim->refused[i], id) == 0)
            return true;
    return false;
}

/* Read the lots again: only those open now (and not refused) are kept. */
static int refresh(struct simulation *sim)
{
    char path[300] = "/v1/lots", error[512];
    struct transport_answer answer;
    json_t *document, *lots, *lot;
    size_t index;

    command_add_parameter(path, sizeof(path), "limit", "500");
    command_add_parameter(path, sizeof(path), "group", sim->group);
    if (transport_request(sim->client->transport, "GET", path, NULL, NULL, NULL, 0, &answer, error,
                          sizeof(error)) != 0)
        return command_say(EXIT_NETWORK, "%s", error);
    if (answer.status != 200)
        return command_refused(&answer);
    document = json_loadb(answer.body, answer.length, 0, NULL);
    lots = json_object_get(document, "lots");
    free(sim->lots);
    sim->count = 0;
    sim->lots = calloc(json_array_size(lots) + 1, sizeof(*sim->lots));
    if (sim->lots == NULL) {
        json_decref(document);
        return command_say(EXIT_LOCAL, "out of memory");
    }
    json_array_foreach(lots, index, lot)
    {
        const char *id = json_string_value(json_object_get(lot, "id"));
        if (id == NULL || !json_is_true(json_object_get(lot, "open_now")) || is_refused(sim, id))
            continue;
        struct sim_lot *entry = &sim->lots[sim->count++];
        snprintf(entry->id, sizeof(entry->id), "%s", id);
        entry->capacity = json_integer_value(json_object_get(lot, "capacity"));
        entry->occupied = json_integer_value(json_object_get(lot, "occupied")); /* null: 0 */
    }
    json_decref(document);
    return EXIT_OK;
}

/* One arrival or departure on a random open lot; an exit status for what ends the run. */
static int one_update(struct simulation *sim)
{
    struct sim_lot *lot = &sim->lots[(size_t)rand() % sim->count];
    int step = simulate_step(lot->occupied, lot->capacity, (double)rand() / ((double)RAND_MAX + 1));
    char path[200], body[32], error[512];
    struct transport_answer answer;
    json_t *reply;

    if (step == 0)
        return EXIT_OK;
    snprintf(path, sizeof(path), "/v1/lots/%s/occupancy", lot->id);
    snprintf(body, sizeof(body), "{\"delta\":%d}", step);
    if (transport_request(sim->client->transport, "POST", path, body, NULL, NULL, 0, &answer, error,
                          sizeof(error)) != 0)
        return command_say(EXIT_NETWORK, "%s", error);
    if (answer.status == 403 || answer.status == 404) {
        /* Not this token's lot (or gone): leave it alone from now on. */
        if (sim->refused_count < sizeof(sim->refused) / sizeof(sim->refused[0]))
            snprintf(sim->refused[sim->refused_count++], sizeof(sim->refused[0]), "%s", lot->id);
        fprintf(stderr, "parkshare-cli: simulate: leaving %s alone (%ld)\n", lot->id,
                answer.status);
        *lot = sim->lots[--sim->count];
        return EXIT_OK;
    }
    if (answer.status != 200)
        return command_refused(&answer);
    reply = json_loadb(answer.body, answer.length, 0, NULL);
    lot->occupied = json_integer_value(json_object_get(reply, "occupied"));
    json_decref(reply);
    step > 0 ? sim->arrivals++ : sim->departures++;
    printf("%s %s %lld/%lld\n", lot->id, step > 0 ? "+1" : "-1", (long long)lot->occupied,
           (long long)lot->capacity);
    fflush(stdout);
    return EXIT_OK;
}

static int parse(int argc, char **argv, long long *rate, long long *duration, const char **group,
                 unsigned *seed)
{
    static const struct option options[] = {{"rate", required_argument, NULL, 'r'},
                                            {"group", required_argument, NULL, 'g'},
                                            {"duration", required_argument, NULL, 'd'},
                                            {"seed", required_argument, NULL, 's'},
                                            {NULL, 0, NULL, 0}};
    int option;
    char *end;

    optind = 0;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        long long value = option == 'g' ? 0 : strtoll(optarg, &end, 10);
        if (option == 'g')
            *group = optarg;
        else if (*optarg == '\0' || *end != '\0' || value < 0 ||
                 (option == 'r' && (value < 1 || value > RATE_MAX)))
            return command_say(EXIT_USAGE, "simulate: --%s must be a whole number%s",
                               option == 'r'   ? "rate"
                               : option == 'd' ? "duration"
                                               : "seed",
                               option == 'r' ? " from 1 to 100" : " of 0 or more");
        else if (option == 'r')
            *rate = value;
        else if (option == 'd')
            *duration = value;
        else if (option == 's')
            *seed = (unsigned)value;
        else
            return command_say(EXIT_USAGE, "simulate [--rate N] [--group G] [--duration S]");
    }
    if (optind != argc)
        return command_say(EXIT_USAGE, "simulate takes no argument: %s", argv[optind]);
    return EXIT_OK;
}

int simulate_run(struct client *client, int argc, char **argv)
{
    struct simulation sim = {.client = client};
    long long rate = 2, duration = 0;
    unsigned seed = (unsigned)time(NULL);
    double started = now_s(), refreshed = -REFRESH_S;
    int status = parse(argc, argv, &rate, &duration, &sim.group, &seed);
    struct timespec pause = {0, (long)(1e9 / 2)};

    if (status != EXIT_OK)
        return status;
    if (client->options.token == NULL)
        return command_say(EXIT_USAGE, "simulate needs a token (--token-file) that may update "
                                       "the lots: an admin's or an attendant's");
    srand(seed);
    pause.tv_nsec = (long)(1e9 / (double)rate);
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    while (status == EXIT_OK && !stop_requested &&
           (duration == 0 || now_s() - started < (double)duration)) {
        if (now_s() - refreshed >= REFRESH_S) {
            status = refresh(&sim);
            refreshed = now_s();
            if (status == EXIT_OK && sim.count == 0)
                fprintf(stderr, "parkshare-cli: simulate: no lot is open now; waiting\n");
        }
        if (status == EXIT_OK && sim.count > 0)
            status = one_update(&sim);
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "parkshare-cli: simulate: %ld arrivals, %ld departures\n", sim.arrivals,
            sim.departures);
    free(sim.lots);
    return status;
}
