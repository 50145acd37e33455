/* operator.c: the operator's commands: import lots and calendars, tokens, the audit. */
#include "operator.h"

#include "sign_in_link.h"

#include <getopt.h>
#include <jansson.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Send one JSON request; returns 0 with *answer, or an exit status after saying why. */
static int send_json(struct client *client, const char *method, const char *path,
                     const json_t *body, struct transport_answer *answer)
{
    char error[512], *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    int sent = transport_request(client->transport, method, path, text, NULL, NULL, 0, answer,
                                 error, sizeof(error));
    free(text);
    return sent == 0 ? 0 : command_say(EXIT_NETWORK, "%s", error);
}

/* The detail of a problem answer, for per-item reports. */
static void problem_detail(const struct transport_answer *answer, char *out, size_t size)
{
    json_t *problem = json_loads(answer->body, 0, NULL);
    const char *detail = json_string_value(json_object_get(problem, "detail"));
    snprintf(out, size, "%ld %s", answer->status, detail ? detail : "");
    json_decref(problem);
}

/*
 * An OSM-style feature's properties as a lot body: name, capacity (a number
 * or a numeric string), opening_hours, operator, fee ("yes"/"no" or
 * "paid"/"free"), parkshare's own fields when present, and the Point's
 * coordinates. NULL with why when it cannot be one.
 */
static json_t *lot_from_feature(const json_t *feature, char *id, size_t id_size, char *why,
                                size_t why_size)
{
    json_t *properties = json_object_get(feature, "properties");
    json_t *geometry = json_object_get(feature, "geometry");
    json_t *coordinates = json_object_get(geometry, "coordinates");
    json_t *capacity = json_object_get(properties, "capacity");
    const char *fee = json_string_value(json_object_get(properties, "fee"));
    const char *given_id = json_string_value(json_object_get(properties, "id"));
    static const char *const copied[] = {
        "name",    "kind",  "operator", "city",          "district", "groups",  "address",
        "contact", "notes", "fee_note", "opening_hours", "hours",    "calendar"};
    json_t *lot;

    if (given_id == NULL)
        given_id = json_string_value(json_object_get(feature, "id"));
    if (given_id == NULL) {
        snprintf(why, why_size, "no id (properties.id or the feature's id)");
        return NULL;
    }
    /* OSM ids look like "node/123": make them lot ids. */
    snprintf(id, id_size, "%s", given_id);
    for (char *p = id; *p; p++)
        *p = (*p == '/' || *p == ':' || *p == ' ') ? '-'
                                                   : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    if (!json_is_object(geometry) || !json_is_string(json_object_get(geometry, "type")) ||
        strcmp(json_string_value(json_object_get(geometry, "type")), "Point") != 0 ||
        json_array_size(coordinates) < 2) {
        snprintf(why, why_size, "geometry must be a Point");
        return NULL;
    }
    lot = json_object();
    for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
        json_t *value = json_object_get(properties, copied[i]);
        if (value != NULL)
            json_object_set(lot, copied[i], value);
    }
    if (json_object_get(lot, "kind") == NULL)
        json_object_set_new(lot, "kind", json_string("public"));
    if (json_is_string(capacity))
        json_object_set_new(lot, "capacity",
                            json_integer(strtoll(json_string_value(capacity), NULL, 10)));
    else if (capacity != NULL)
        json_object_set(lot, "capacity", capacity);
    if (fee != NULL)
        json_object_set_new(
            lot, "fee",
            json_string(strcmp(fee, "no") == 0 || strcmp(fee, "free") == 0 ? "free" : "paid"));
    json_object_set_new(lot, "location",
                        json_pack("{s:O, s:O}", "lat", json_array_get(coordinates, 1), "lon",
                                  json_array_get(coordinates, 0)));
    return lot;
}

static int import_lots(struct client *client, const char *file)
{
    json_error_t error;
    json_t *collection = json_load_file(file, 0, &error);
    const json_t *features = json_object_get(collection, "features");
    size_t index, created = 0, updated = 0, refused_count = 0;
    json_t *feature;
    int status = EXIT_OK;

    if (collection == NULL)
        return command_say(EXIT_USAGE, "%s:%d: %s", file, error.line, error.text);
    if (!json_is_array(features)) {
        json_decref(collection);
        return command_say(EXIT_USAGE, "%s: not a GeoJSON FeatureCollection", file);
    }
    json_array_foreach(features, index, feature)
    {
        /* Twice the longest id: one too long for the server stays too long when cut
         * here, so it is refused rather than imported under a shorter id. */
        char id[2 * WIRE_ID_MAX] = "", why[512], path[200];
        struct transport_answer answer;
        json_t *lot = lot_from_feature(feature, id, sizeof(id), why, sizeof(why));
        int sent;

        if (lot == NULL) {
            printf("feature %zu: refused: %s\n", index, why);
            refused_count++;
            continue;
        }
        snprintf(path, sizeof(path), "/v1/lots/%s", id);
        sent = send_json(client, "PUT", path, lot, &answer);
        json_decref(lot);
        if (sent != 0) {
            status = sent;
            break;
        }
        if (answer.status == 201 || answer.status == 200) {
            printf("feature %zu (%s): %s\n", index, id,
                   answer.status == 201 ? "created" : "updated");
            answer.status == 201 ? created++ : updated++;
        } else {
            problem_detail(&answer, why, sizeof(why));
            printf("feature %zu (%s): refused: %s\n", index, id, why);
            refused_count++;
        }
    }
    json_decref(collection);
    printf("%zu created, %zu updated, %zu refused\n", created, updated, refused_count);
    return status != EXIT_OK ? status : refused_count > 0 ? EXIT_REFUSED : EXIT_OK;
}

static int import_calendar(struct client *client, const char *id, int count, char **files)
{
    char path[200];
    snprintf(path, sizeof(path), "/v1/calendars/%s", id);
    for (int i = 0; i < count; i++) {
        json_error_t error;
        json_t *year = json_load_file(files[i], 0, &error);
        struct transport_answer answer;
        char why[512];
        int sent;

        if (year == NULL)
            return command_say(EXIT_USAGE, "%s:%d: %s", files[i], error.line, error.text);
        sent = send_json(client, "PUT", path, year, &answer);
        json_decref(year);
        if (sent != 0)
            return sent;
        if (answer.status != 200 && answer.status != 201) {
            problem_detail(&answer, why, sizeof(why));
            return command_say(EXIT_REFUSED, "%s: refused: %s", files[i], why);
        }
        printf("%s: imported into calendar %s\n", files[i], id);
    }
    return EXIT_OK;
}

int operator_import(struct client *client, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "lots") == 0)
        return import_lots(client, argv[1]);
    if (argc >= 3 && strcmp(argv[0], "calendar") == 0)
        return import_calendar(client, argv[1], argc - 2, argv + 2);
    return command_say(EXIT_USAGE, "import lots FILE | import calendar ID FILE...");
}

/* Print the answer (JSON as is with --json, else via show). */
static int print_answer(struct client *client, const struct transport_answer *answer,
                        void (*show)(const json_t *))
{
    json_t *document;
    if (client->options.json || show == NULL) {
        printf("%s\n", answer->body);
        return EXIT_OK;
    }
    document = json_loads(answer->body, 0, NULL);
    show(document);
    json_decref(document);
    return EXIT_OK;
}

static void show_created(const json_t *token)
{
    printf("%s\n", json_string_value(json_object_get(token, "token")));
    fprintf(stderr, "token %s (%s) created; it is shown only this once\n",
            json_string_value(json_object_get(token, "id")),
            json_string_value(json_object_get(token, "role")));
}

static void show_tokens(const json_t *document)
{
    size_t index;
    json_t *token;
    json_array_foreach(json_object_get(document, "tokens"), index, token)
    {
        char *lots = json_dumps(json_object_get(token, "lots"), JSON_COMPACT);
        printf("%-18s %-10s %-24s %s %s\n", json_string_value(json_object_get(token, "id")),
               json_string_value(json_object_get(token, "role")),
               json_string_value(json_object_get(token, "created_at")),
               json_string_value(json_object_get(token, "name")), lots ? lots : "");
        free(lots);
    }
}

/* How token create shows what it made: the bare token, or the attendant's link (and its QR). */
enum created_form {
    CREATED_TOKEN,
    CREATED_LINK,
    CREATED_QR,
};

/* The sign-in link on stdout, and with CREATED_QR the same link as a QR code below it. */
static int show_link(struct client *client, const struct transport_answer *answer,
                     enum created_form form)
{
    json_t *document = json_loads(answer->body, 0, NULL);
    const char *token = json_string_value(json_object_get(document, "token"));
    char *link = token ? sign_in_link_new(client->options.url, token) : NULL;
    int status = EXIT_OK, drawn;

    if (link == NULL) {
        status = command_say(EXIT_LOCAL, token ? "out of memory" : "the answer held no token");
        goto free_document;
    }
    printf("%s\n", link);
    if (form == CREATED_QR) {
        drawn = sign_in_link_print_qr(stdout, link, isatty(STDOUT_FILENO));
        if (drawn != SIGN_IN_LINK_OK)
            status = command_say(EXIT_LOCAL, "the link cannot be drawn as a QR code: %s",
                                 drawn == SIGN_IN_LINK_TOO_LONG ? "too long" : "out of memory");
    }
    fprintf(stderr, "token %s (%s) created; the link carries it and is shown only this once\n",
            json_string_value(json_object_get(document, "id")),
            json_string_value(json_object_get(document, "role")));
    free(link);
free_document:
    json_decref(document);
    return status;
}

/* The lots option "a,b" as a JSON array into body; false when out of memory. */
static bool set_lots(json_t *body, const char *text)
{
    char *copy = strdup(text), *saved = NULL;
    json_t *lots = json_array();

    if (copy == NULL || lots == NULL) {
        free(copy);
        json_decref(lots);
        return false;
    }
    for (char *lot = strtok_r(copy, ",", &saved); lot; lot = strtok_r(NULL, ",", &saved))
        json_array_append_new(lots, json_string(lot));
    json_object_set_new(body, "lots", lots);
    free(copy);
    return true;
}

static int token_create(struct client *client, int argc, char **argv)
{
    static const struct option options[] = {
        {"role", required_argument, NULL, 'r'}, {"lots", required_argument, NULL, 'l'},
        {"name", required_argument, NULL, 'n'}, {"link", no_argument, NULL, 'k'},
        {"qr", no_argument, NULL, 'q'},         {NULL, 0, NULL, 0}};
    enum created_form form = CREATED_TOKEN;
    struct transport_answer answer;
    json_t *body = json_object();
    int option, sent;

    optind = 0;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (option == 'r') {
            json_object_set_new(body, "role", json_string(optarg));
        } else if (option == 'n') {
            json_object_set_new(body, "name", json_string(optarg));
        } else if (option == 'l') {
            if (!set_lots(body, optarg)) {
                json_decref(body);
                return command_say(EXIT_LOCAL, "out of memory");
            }
        } else if (option == 'k' || option == 'q') {
            form = option == 'q' ? CREATED_QR : (form == CREATED_QR ? CREATED_QR : CREATED_LINK);
        } else {
            json_decref(body);
            return command_say(EXIT_USAGE,
                               "token create --role R [--lots a,b] --name N [--link] [--qr]");
        }
    }
    sent = send_json(client, "POST", "/v1/tokens", body, &answer);
    json_decref(body);
    if (sent != 0)
        return sent;
    if (answer.status != 201)
        return command_refused(&answer);
    if (form == CREATED_TOKEN || client->options.json)
        return print_answer(client, &answer, show_created);
    return show_link(client, &answer, form);
}

int operator_token(struct client *client, int argc, char **argv)
{
    struct transport_answer answer;
    char path[200];
    int sent;

    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        if ((sent = send_json(client, "GET", "/v1/tokens", NULL, &answer)) != 0)
            return sent;
        return answer.status == 200 ? print_answer(client, &answer, show_tokens)
                                    : command_refused(&answer);
    }
    if (argc == 2 && strcmp(argv[0], "revoke") == 0) {
        snprintf(path, sizeof(path), "/v1/tokens/%s", argv[1]);
        if ((sent = send_json(client, "DELETE", path, NULL, &answer)) != 0)
            return sent;
        if (answer.status != 204)
            return command_refused(&answer);
        printf("token %s revoked\n", argv[1]);
        return EXIT_OK;
    }
    if (argc >= 1 && strcmp(argv[0], "create") == 0)
        return token_create(client, argc, argv);
    return command_say(EXIT_USAGE, "token create|list|revoke");
}

static void show_audit(const json_t *document)
{
    size_t index;
    json_t *entry;
    json_array_foreach(json_object_get(document, "entries"), index, entry)
    {
        char *old = json_dumps(json_object_get(entry, "old"), JSON_ENCODE_ANY);
        char *new = json_dumps(json_object_get(entry, "new"), JSON_ENCODE_ANY);
        printf("%s %-20s %-8s %s -> %s %s %s\n", json_string_value(json_object_get(entry, "time")),
               json_string_value(json_object_get(entry, "lot")),
               json_string_value(json_object_get(entry, "kind")), old ? old : "?", new ? new : "?",
               json_string_value(json_object_get(entry, "token")),
               json_is_true(json_object_get(entry, "clamped")) ? "(clamped)" : "");
        free(old);
        free(new);
    }
}

int operator_audit(struct client *client, int argc, char **argv)
{
    static const struct option options[] = {{"lot", required_argument, NULL, 'l'},
                                            {"since", required_argument, NULL, 's'},
                                            {"limit", required_argument, NULL, 'n'},
                                            {NULL, 0, NULL, 0}};
    struct transport_answer answer;
    char path[600] = "/v1/audit";
    int option, sent;

    optind = 0;
    while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (option == 'l')
            command_add_parameter(path, sizeof(path), "lot", optarg);
        else if (option == 's')
            command_add_parameter(path, sizeof(path), "since", optarg);
        else if (option == 'n')
            command_add_parameter(path, sizeof(path), "limit", optarg);
        else
            return command_say(EXIT_USAGE, "audit [--lot L] [--since TIME] [--limit N]");
    }
    if ((sent = send_json(client, "GET", path, NULL, &answer)) != 0)
        return sent;
    return answer.status == 200 ? print_answer(client, &answer, show_audit)
                                : command_refused(&answer);
}
