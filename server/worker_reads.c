/* worker_reads.c: what a worker answers itself, from the view; totals published into it. */
#include "workers.h"

#include "answer_key.h"
#include "endpoint.h"
#include "http_request.h"
#include "workers_private.h"

#include <parkshare/wire.h>
#include <string.h>

/* --- the reads a worker answers: lots, the totals the owner keeps (lists: worker_lists.c) --- */

static const char totals_text_type[] = "text/plain; charset=utf-8";

/* As api_lots_get answers from the snapshot, with the view the owner published last. */
void worker_reads_lot(struct http_exchange *exchange, void *data)
{
    struct worker *worker = data;
    struct view_publisher *publisher = worker->workers->publisher;
    const char *id = http_exchange_parameter(exchange, "id");
    const struct lot_view *view;
    const struct rendered_answer *entry;

    /* A read decided but never handled (not expected): its epoch is left below. */
    worker->held = NULL;
    worker->list.view = NULL;
    view = view_publisher_enter(publisher, worker->number - 1);
    entry = lot_view_find(view, id);
    worker->answered++;
    if (entry == NULL) {
        view_publisher_leave(publisher, worker->number - 1);
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "no lot '%s'", id);
        return;
    }
    endpoint_mark_stale_since(exchange, lot_view_stale_since(view));
    /* The entry's bytes are written or copied before the reply returns: then they may go. */
    http_reply_answer(exchange, WIRE_JSON_TYPE, entry, HTTP_REPLY_PUBLIC);
    view_publisher_leave(publisher, worker->number - 1);
}

/*
 * The key of the published totals a query asks for, read as the owner's
 * server reads it (pairs split on '&', values percent-decoded with '+' as
 * a space); false for what the owner must answer: an unknown or repeated
 * parameter, wait (a long poll), a malformed pair, a key too long.
 */
static bool totals_key_of(const char *path, const char *query, size_t length, char *key)
{
    static const char *const names[] = {"city", "group", "kind", "space"};
    enum answer_key_format format =
        strcmp(path, "/v1/totals") == 0 ? ANSWER_KEY_JSON : ANSWER_KEY_TEXT;
    const char *values[4] = {NULL, NULL, NULL, NULL};
    char copy[512], *rest = copy;

    if (query == NULL)
        rest = NULL;
    else if (length >= sizeof(copy))
        return false;
    else {
        memcpy(copy, query, length);
        copy[length] = '\0';
    }
    while (rest != NULL && *rest != '\0') {
        char *pair = strsep(&rest, "&"), *value = strchr(pair, '=');
        size_t i = 0;
        if (value == NULL || value == pair)
            return false;
        *value++ = '\0';
        while (i < 4 && strcmp(pair, names[i]) != 0)
            i++;
        if (i == 4 || values[i] != NULL)
            return false;
        http_request_percent_decode(value, strlen(value), value, true);
        values[i] = value;
    }
    return answer_key_totals(format, values[0], values[1], values[2], values[3], key,
                             ANSWER_KEY_MAX) > 0;
}

/*
 * Whether this worker answers a read: a lot without a query string, or
 * totals the owner has published for exactly that query. The totals found
 * stay held, inside the reader's epoch, for the handler that comes next.
 */
bool worker_reads_decide(const char *path, const char *query, size_t length, void *data)
{
    struct worker *worker = data;
    struct view_publisher *publisher = worker->workers->publisher;
    const struct lot_view *view;
    char key[ANSWER_KEY_MAX];

    if (worker->held != NULL || worker->list.view != NULL) {
        worker->held = NULL; /* never handled (not expected): let the old view go */
        worker->list.view = NULL;
        view_publisher_leave(publisher, worker->number - 1);
    }
    if (strncmp(path, "/v1/lots/", 9) == 0)
        return query == NULL;
    if (strncmp(path, "/v1/lots", 8) == 0)
        return worker_lists_decide(worker, path, query, length);
    /* The totals' two paths exactly; any other spelling the router took is the owner's. */
    if ((strcmp(path, "/v1/totals") != 0 && strcmp(path, "/v1/totals.txt") != 0) ||
        !totals_key_of(path, query, length, key))
        return false;
    view = view_publisher_enter(publisher, worker->number - 1);
    worker->held = lot_view_find_answer(view, key);
    worker->held_stale_since = lot_view_stale_since(view);
    if (worker->held == NULL)
        view_publisher_leave(publisher, worker->number - 1);
    return worker->held != NULL;
}

/* As api_totals answers a kept selection: the answer the decision held. */
static void worker_totals_reply(struct http_exchange *exchange, struct worker *worker,
                                const char *content_type)
{
    const struct rendered_answer *entry = worker->held;

    worker->held = NULL;
    worker->answered++;
    if (entry == NULL) {
        http_reply_problem(exchange, PROBLEM_INTERNAL, "the totals were not held");
        return;
    }
    endpoint_mark_stale_since(exchange, worker->held_stale_since);
    http_reply_answer(exchange, content_type, entry, HTTP_REPLY_PUBLIC);
    view_publisher_leave(worker->workers->publisher, worker->number - 1);
}

void worker_reads_totals_json(struct http_exchange *exchange, void *data)
{
    worker_totals_reply(exchange, data, WIRE_JSON_TYPE);
}

void worker_reads_totals_text(struct http_exchange *exchange, void *data)
{
    worker_totals_reply(exchange, data, totals_text_type);
}

void workers_totals_published(const char *city, const char *group, const char *kind,
                              const char *space, const struct api_totals_answers *answers,
                              void *data)
{
    struct workers *workers = data;
    char json_key[ANSWER_KEY_MAX], text_key[ANSWER_KEY_MAX];
    const char *gone[] = {json_key, text_key};
    struct rendered_answer *put[2] = {NULL, NULL};

    /* A key too long is never published: the workers hand such a read over. */
    if (answer_key_totals(ANSWER_KEY_JSON, city, group, kind, space, json_key, ANSWER_KEY_MAX) ==
            0 ||
        answer_key_totals(ANSWER_KEY_TEXT, city, group, kind, space, text_key, ANSWER_KEY_MAX) == 0)
        return;
    if (answers != NULL) {
        put[0] =
            rendered_answer_copy(json_key, answers->json, answers->json_length, answers->json_etag);
        put[1] = rendered_answer_copy(text_key, answers->text, strlen(answers->text),
                                      answers->text_etag);
    }
    if (put[0] != NULL && put[1] != NULL) {
        view_publisher_answers(workers->publisher, put, 2, NULL, 0);
    } else {
        /* Gone, or no memory for the new answers: the old ones must not stay. */
        rendered_answer_drop(put[0]);
        rendered_answer_drop(put[1]);
        view_publisher_answers(workers->publisher, NULL, 0, gone, 2);
    }
    workers_reclaim(workers);
}
