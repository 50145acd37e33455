/* reads.c: the read commands: the lots, one lot, a lot's schedule, the totals. */
#include "reads.h"

#include <jansson.h>
#include <parkshare/wire.h>
#include <stdio.h>

/* Large enough for the longest filters a shell passes; longer ones are cut. */
#define PATH_SIZE 600

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

int reads_lots(struct client *client, const char *near, const char *city, const char *group,
               bool open_only)
{
    char path[PATH_SIZE] = "/v1/lots", limit[16];
    command_add_parameter(path, sizeof(path), "near", near);
    command_add_parameter(path, sizeof(path), "city", city);
    command_add_parameter(path, sizeof(path), "group", group);
    command_add_parameter(path, sizeof(path), "open", open_only ? "true" : NULL);
    snprintf(limit, sizeof(limit), "%d", WIRE_LOTS_LIMIT_MAX);
    command_add_parameter(path, sizeof(path), "limit", limit);
    return read_command(client, path, show_lots);
}

int reads_lot(struct client *client, const char *lot_id)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof(path), "/v1/lots/%s", lot_id);
    return read_command(client, path, show_lot);
}

int reads_schedule(struct client *client, const char *lot_id, const char *days)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof(path), "/v1/lots/%s/schedule", lot_id);
    command_add_parameter(path, sizeof(path), "days", days);
    return read_command(client, path, show_schedule);
}

int reads_totals(struct client *client, const char *city, const char *group)
{
    char path[PATH_SIZE] = "/v1/totals";
    command_add_parameter(path, sizeof(path), "city", city);
    command_add_parameter(path, sizeof(path), "group", group);
    return read_command(client, path, show_totals);
}
