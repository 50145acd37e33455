/* updates.c: the attendant's commands: in, out and set, and sync of the offline queue. */
#include "updates.h"
#include "queue.h"

#include <jansson.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* 16 random bytes in hex: unique enough, and always a key the server takes. */
#define KEY_LENGTH 32
_Static_assert(KEY_LENGTH <= WIRE_IDEMPOTENCY_KEY_MAX, "the server would refuse the client's keys");

static void new_key(char out[KEY_LENGTH + 1])
{
    unsigned char random_bytes[KEY_LENGTH / 2];
    if (getrandom(random_bytes, sizeof(random_bytes), 0) != (ssize_t)sizeof(random_bytes)) {
        /* Uniqueness, not secrecy, is what a key needs: time and pid will do. */
        snprintf(out, KEY_LENGTH + 1, "%016llx%08x%08x", (unsigned long long)time(NULL),
                 (unsigned)getpid(), (unsigned)clock());
        return;
    }
    for (size_t i = 0; i < sizeof(random_bytes); i++)
        snprintf(out + 2 * i, 3, "%02x", random_bytes[i]);
}

/*
 * {"updates":[...]} of the first count lines, compact; NULL when out of
 * memory (queue_load has already checked that each line is an update).
 */
static char *batch_body(const struct queue *queue, size_t count)
{
    json_t *updates = json_array(), *body = json_object();
    char *text = NULL;

    if (updates == NULL || body == NULL) {
        json_decref(updates);
        goto free_body;
    }
    /* Both calls take the reference they are given, even when they fail. */
    if (json_object_set_new(body, "updates", updates) != 0)
        goto free_body;
    for (size_t i = 0; i < count; i++) {
        if (json_array_append_new(updates, json_loads(queue->lines[i], 0, NULL)) != 0)
            goto free_body;
    }
    text = json_dumps(body, JSON_COMPACT);
free_body:
    json_decref(body);
    return text;
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
        size_t batch = queue->count < WIRE_BATCH_MAX ? queue->count : WIRE_BATCH_MAX, done = 0;
        struct transport_answer answer;
        json_t *document, *results;
        char *text = batch_body(queue, batch);
        int sent;

        if (text == NULL)
            return command_say(EXIT_LOCAL, "out of memory");
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

/* Print the server's answer to an update: its JSON, or one line. */
static void show_update(const struct client *client, const char *lot_id,
                        const struct transport_answer *answer)
{
    json_t *result;
    if (client->options.json) {
        printf("%s\n", answer->body);
        return;
    }
    result = json_loads(answer->body, 0, NULL);
    printf("%s: %lld occupied, %lld free of %lld%s\n", lot_id,
           (long long)json_integer_value(json_object_get(result, "occupied")),
           (long long)json_integer_value(json_object_get(result, "free")),
           (long long)json_integer_value(json_object_get(result, "capacity")),
           json_is_true(json_object_get(result, "clamped")) ? " (clamped)" : "");
    json_decref(result);
}

/* field is "delta" or "occupied", the two members an update may carry. */
static int update_command(struct client *client, const char *lot_id, const char *field,
                          long long value)
{
    struct transport_answer answer;
    struct queue queue;
    char key[KEY_LENGTH + 1], error[512], body[128], path[200], *line;
    int status;

    new_key(key);
    snprintf(body, sizeof(body), "{\"%s\":%lld}", field, value);
    if (asprintf(&line, "{\"id\":\"%s\",\"%s\":%lld,\"idempotency_key\":\"%s\"}", lot_id, field,
                 value, key) < 0)
        return command_say(EXIT_LOCAL, "out of memory");
    if (queue_load(client->options.queue_path, &queue, error, sizeof(error)) != 0) {
        status = command_say(EXIT_LOCAL, "%s", error);
        goto clear_queue;
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
        goto clear_queue;
    }
    snprintf(path, sizeof(path), "/v1/lots/%s/occupancy", lot_id);
    if (transport_request(client->transport, "POST", path, body, key, NULL, 0, &answer, error,
                          sizeof(error)) != 0 ||
        answer.status >= 500) {
        status =
            queue_push(&queue, line, error, sizeof(error)) == 0
                ? command_say(EXIT_QUEUED, "offline: the update is queued in %s; 'sync' sends it",
                              queue.path)
                : command_say(EXIT_LOCAL, "%s", error);
        goto clear_queue;
    }
    if (answer.status != 200) {
        status = command_refused(&answer);
        goto clear_queue;
    }
    show_update(client, lot_id, &answer);
    status = status == EXIT_REFUSED ? EXIT_REFUSED : EXIT_OK;
clear_queue:
    queue_clear(&queue);
    free(line);
    return status;
}

int updates_add_delta(struct client *client, const char *lot_id, long long delta)
{
    return update_command(client, lot_id, "delta", delta);
}

int updates_set_occupied(struct client *client, const char *lot_id, long long occupied)
{
    return update_command(client, lot_id, "occupied", occupied);
}

int updates_sync(struct client *client)
{
    struct queue queue;
    char error[512];
    size_t before;
    int status;

    if (queue_load(client->options.queue_path, &queue, error, sizeof(error)) != 0) {
        status = command_say(EXIT_LOCAL, "%s", error);
        goto clear_queue;
    }
    if (error[0] != '\0')
        command_say(EXIT_LOCAL, "%s", error);
    before = queue.count;
    status = replay(client, &queue);
    if (status == EXIT_QUEUED)
        command_say(EXIT_QUEUED, "offline: %zu of %zu update(s) still queued in %s", queue.count,
                    before, queue.path);
    else if (!client->options.json)
        printf("sent %zu queued update(s)\n", before - queue.count);
clear_queue:
    queue_clear(&queue);
    return status;
}
