/* forecast_eval.c: forecast-eval: the forecast's backtest beside the three-week baseline, per kind
 * of day. */
#include "forecast_eval.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get(struct client *client, const char *path, struct transport_answer *answer)
{
    char error[512];
    if (transport_request(client->transport, "GET", path, NULL, NULL, NULL, 0, answer, error,
                          sizeof(error)) != 0)
        return command_say(EXIT_NETWORK, "%s", error);
    return 0;
}

static void print_number(const json_t *value)
{
    if (json_is_number(value))
        printf(" %7.2f", json_number_value(value));
    else
        printf(" %7s", "-");
}

static void show_eval(const json_t *document)
{
    static const char *const classes[] = {"holiday", "makeup_workday", "normal"};
    static const char *const leads[] = {"1h", "3h", "24h"};

    printf("%s %s .. %s (%lld days of history)\n",
           json_string_value(json_object_get(document, "id")),
           json_string_value(json_object_get(document, "from")),
           json_string_value(json_object_get(document, "to")),
           (long long)json_integer_value(json_object_get(document, "days_known")));
    printf("  %-15s %6s  %-23s  %-23s\n", "", "hours", "MAE forecast 1h 3h 24h",
           "MAE baseline 1h 3h 24h");
    for (size_t c = 0; c < 3; c++) {
        const json_t *errors = json_object_get(json_object_get(document, "classes"), classes[c]);
        printf("  %-15s %6lld ", classes[c],
               (long long)json_integer_value(json_object_get(errors, "hours")));
        for (size_t l = 0; l < 3; l++)
            print_number(json_object_get(json_object_get(errors, "mae"), leads[l]));
        printf("  ");
        for (size_t l = 0; l < 3; l++)
            print_number(json_object_get(json_object_get(errors, "baseline_mae"), leads[l]));
        printf("\n");
    }
}

static int eval_lot(struct client *client, const char *lot, const char *from, const char *to)
{
    char path[400];
    struct transport_answer answer;
    json_t *document;
    int sent;

    snprintf(path, sizeof(path), "/v1/lots/%s/forecast/eval", lot);
    if (from != NULL)
        command_add_parameter(path, sizeof(path), "from", from);
    if (to != NULL)
        command_add_parameter(path, sizeof(path), "to", to);
    if ((sent = get(client, path, &answer)) != 0)
        return sent;
    if (answer.status != 200)
        return command_refused(&answer);
    if (client->options.json) {
        printf("%s\n", answer.body);
        return EXIT_OK;
    }
    document = json_loads(answer.body, 0, NULL);
    show_eval(document);
    json_decref(document);
    return EXIT_OK;
}

/* Each lot of the first page of the list (up to 500). */
static int eval_all(struct client *client, const char *from, const char *to)
{
    struct transport_answer answer;
    json_t *document, *lot;
    size_t index;
    int sent, status = EXIT_OK;

    if ((sent = get(client, "/v1/lots?limit=500", &answer)) != 0)
        return sent;
    if (answer.status != 200)
        return command_refused(&answer);
    document = json_loads(answer.body, 0, NULL);
    json_array_foreach(json_object_get(document, "lots"), index, lot)
    {
        int result = eval_lot(client, json_string_value(json_object_get(lot, "id")), from, to);
        if (result != EXIT_OK)
            status = result;
    }
    json_decref(document);
    return status;
}

int forecast_eval_command(struct client *client, int argc, char **argv)
{
    static const struct option options[] = {{"lot", required_argument, NULL, 'l'},
                                            {"from", required_argument, NULL, 'f'},
                                            {"to", required_argument, NULL, 't'},
                                            {NULL, 0, NULL, 0}};
    const char *lot = NULL, *from = NULL, *to = NULL;
    int option;

    optind = 0;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (option == 'l')
            lot = optarg;
        else if (option == 'f')
            from = optarg;
        else if (option == 't')
            to = optarg;
        else
            return command_say(EXIT_USAGE,
                               "forecast-eval [--lot ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]");
    }
    if (optind != argc)
        return command_say(EXIT_USAGE,
                           "forecast-eval [--lot ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]");
    return lot != NULL ? eval_lot(client, lot, from, to) : eval_all(client, from, to);
}
