/* store_lots.c: lots and occupancy in Redis: atomic updates, replace, delete, load. */
#include "store_lots.h"

#include "log.h"
#include "store_private.h"

#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char component[] = "store";

#define KEY_SIZE 256

/* A script answered something that is no outcome: logged, reported as FAILED. */
static void log_unexpected(const char *script, const redisReply *reply)
{
    log_error(component, "%s script: %s", script,
              reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
}

static void read_occupancy(redisReply *reply, const struct store_recipient *recipient)
{
    store_occupancy_callback callback = (store_occupancy_callback)recipient->callback;
    struct store_occupancy_result result = {store_outcome_missing(recipient), NULL, 0, 0, -1, -1};

    if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2 &&
        reply->element[1]->type == REDIS_REPLY_STRING) {
        result.outcome = store_outcome_from_word(reply->element[0]);
        if (result.outcome == STORE_OUTCOME_OK || result.outcome == STORE_OUTCOME_REPLAYED)
            result.answer = reply->element[1]->str;
        if (result.outcome == STORE_OUTCOME_OK && reply->elements == 5) {
            result.version = store_reply_integer(reply->element[2], 0);
            result.occupied = store_reply_integer(reply->element[3], -1);
            result.updated_at_ms = store_reply_integer(reply->element[4], -1);
        } else if (result.outcome == STORE_OUTCOME_OVER_CAPACITY)
            result.capacity = store_reply_integer(reply->element[1], 0);
    } else if (reply != NULL) {
        log_unexpected("occupancy", reply);
        result.outcome = STORE_OUTCOME_FAILED;
    }
    callback(&result, recipient->data);
}

int store_occupancy_apply(struct store *store, const struct store_occupancy_update *update,
                          store_occupancy_callback callback, void *data)
{
    char lot_key[KEY_SIZE], idempotency_key[KEY_SIZE + 128], token_key[KEY_SIZE];
    char value[32], fingerprint[KEY_SIZE], ttl[32], cap[32];
    char history_prefix[KEY_SIZE], history_retention[32];
    const char *mode = update->recount ? "occupied" : "delta";
    const char *keys[] = {lot_key, idempotency_key, token_key, STORE_PREFIX "audit"};
    const char *arguments[] = {update->lot_id,
                               mode,
                               value,
                               update->idempotency_key ? "1" : "0",
                               fingerprint,
                               ttl,
                               update->client,
                               store_change_channel(store),
                               cap,
                               history_prefix,
                               history_retention,
                               update->space ? update->space : ""};
    const struct store_request request = {.script = STORE_SCRIPT_OCCUPANCY,
                                          .keys = STORE_WORDS(keys),
                                          .arguments = STORE_WORDS(arguments)};

    snprintf(lot_key, sizeof(lot_key), STORE_PREFIX "lot:%s", update->lot_id);
    /* Scoped to the lot (ids never hold ':'), not to the token: rotation keeps replays safe. */
    snprintf(idempotency_key, sizeof(idempotency_key), STORE_PREFIX "replay:%s:%s", update->lot_id,
             update->idempotency_key ? update->idempotency_key : "");
    snprintf(token_key, sizeof(token_key), STORE_PREFIX "token:%s", update->token_hash);
    snprintf(value, sizeof(value), "%" PRId64, update->value);
    /* What "the same request" means for idempotency: lot, kind and number. */
    snprintf(fingerprint, sizeof(fingerprint), "%s %s %s", update->lot_id, mode, value);
    /* A space type's count is another request than the lot's with the same number. */
    if (update->space != NULL)
        snprintf(fingerprint, sizeof(fingerprint), "%s %s %s %s", update->lot_id, mode, value,
                 update->space);
    snprintf(ttl, sizeof(ttl), "%" PRId64, store_idempotency_ttl(store));
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    snprintf(history_prefix, sizeof(history_prefix), STORE_PREFIX "hist:%s:", update->lot_id);
    snprintf(history_retention, sizeof(history_retention), "%" PRId64,
             store_history_days(store) * 86400);
    return store_call(store, &request, read_occupancy, (store_callback)callback, data);
}

static void read_lot_write(redisReply *reply, const struct store_recipient *recipient)
{
    store_lot_callback callback = (store_lot_callback)recipient->callback;
    struct store_lot_result result = {store_outcome_missing(recipient), 0, -1, -1};

    if (reply != NULL && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2) {
        result.outcome = store_outcome_from_word(reply->element[0]);
        result.version = store_reply_integer(reply->element[1], 0);
        if (reply->elements >= 4) {
            result.occupied = store_reply_integer(reply->element[2], -1);
            result.updated_at_ms = store_reply_integer(reply->element[3], -1);
        }
    } else if (reply != NULL) {
        log_unexpected("lot", reply);
        result.outcome = STORE_OUTCOME_FAILED;
    }
    callback(&result, recipient->data);
}

/* Run a lot script on KEYS ps:lot:{id}, ps:lots, ps:audit:{id}, ps:audit. */
static int run_lot_script(struct store *store, enum store_script script, const char *lot_id,
                          struct store_words arguments, store_lot_callback callback, void *data)
{
    char lot_key[KEY_SIZE], audit_key[KEY_SIZE];
    const char *keys[] = {lot_key, STORE_PREFIX "lots", audit_key, STORE_PREFIX "audit"};
    const struct store_request request = {
        .script = script, .keys = STORE_WORDS(keys), .arguments = arguments};

    snprintf(lot_key, sizeof(lot_key), STORE_PREFIX "lot:%s", lot_id);
    snprintf(audit_key, sizeof(audit_key), STORE_PREFIX "audit:%s", lot_id);
    return store_call(store, &request, read_lot_write, (store_callback)callback, data);
}

int store_lot_put(struct store *store, const struct store_lot_write *write,
                  store_lot_callback callback, void *data)
{
    char capacity[32], cap[32];
    const char *arguments[] = {
        write->lot_id, write->static_json,          capacity, write->token_id,
        write->client, store_change_channel(store), cap};

    snprintf(capacity, sizeof(capacity), "%" PRId64, write->capacity);
    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return run_lot_script(store, STORE_SCRIPT_LOT_PUT, write->lot_id, STORE_WORDS(arguments),
                          callback, data);
}

int store_lot_delete(struct store *store, const char *lot_id, const char *token_id,
                     const char *client, store_lot_callback callback, void *data)
{
    char cap[32];
    const char *arguments[] = {lot_id, token_id, client, store_change_channel(store), cap};

    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return run_lot_script(store, STORE_SCRIPT_LOT_DELETE, lot_id, STORE_WORDS(arguments), callback,
                          data);
}

/*
 * A load in progress: the ids from SMEMBERS, then one HGETALL reply per id
 * filling records; the last reply (or the first failure) ends it. At most
 * LOAD_WINDOW HGETALLs are in flight: each reply sends the next, so the
 * link's output buffer stays small (hiredis moves what is left of it after
 * every write: 100,000 commands queued at once cost a sixth of the load).
 */
#define LOAD_WINDOW 1024

struct load_call {
    struct store *store;
    store_load_callback callback;
    void *data;
    char **ids;
    char **jsons;
    char **closures; /* the hash field "closures" per lot, or NULL */
    struct snapshot_record *records;
    struct space_counts *spaces; /* the records' type counts, by index */
    size_t count;
    size_t sent;
    size_t answered;
    bool failed;
};

struct load_item {
    struct load_call *load;
    size_t index;
};

static void load_free(struct load_call *load)
{
    for (size_t i = 0; i < load->count; i++) {
        free(load->ids[i]);
        free(load->jsons[i]);
        free(load->closures[i]);
    }
    free(load->closures);
    free(load->ids);
    free(load->jsons);
    free(load->records);
    free(load->spaces);
    free(load);
}

static void load_finish(struct load_call *load)
{
    size_t filled = 0;
    if (!load->failed) {
        /* Compact: lots deleted between SMEMBERS and HGETALL have no JSON. */
        for (size_t i = 0; i < load->count; i++) {
            if (load->jsons[i] != NULL)
                load->records[filled++] = load->records[i];
        }
    }
    load->callback(load->failed ? NULL : load->records, load->failed ? 0 : filled, !load->failed,
                   load->data);
    load_free(load);
    /* The records' copies are freed by now, scattered among what the snapshot
     * keeps: hand the free pages back (tens of MB at 100,000 lots). */
    malloc_trim(0);
}

/* A field of a lot's hash, by name, from an HGETALL reply (field, value, …); NULL: absent. */
static const redisReply *hash_field(const redisReply *reply, const char *name)
{
    size_t length = strlen(name);

    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        const redisReply *field = reply->element[i];
        if (field->type == REDIS_REPLY_STRING && field->len == length &&
            memcmp(field->str, name, length) == 0)
            return reply->element[i + 1];
    }
    return NULL;
}

/*
 * The type counts of a lot's hash: "space:<type>" and
 * "space:<type>:updated_at" fields. As loaded, each count is what the
 * lot's version says (a later report is newer).
 */
static void read_space_counts(const redisReply *reply, int64_t version, struct space_counts *counts)
{
    space_counts_clear(counts);
    for (int type = 0; type < SPACE_TYPE_COUNT; type++)
        counts->version[type] = version;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
        const redisReply *field = reply->element[i];
        char name[48];
        int type;
        bool updated;

        if (field->type != REDIS_REPLY_STRING || field->len < 6 || field->len >= sizeof(name) ||
            memcmp(field->str, "space:", 6) != 0)
            continue;
        memcpy(name, field->str + 6, field->len - 6);
        name[field->len - 6] = '\0';
        updated = strlen(name) > 11 && strcmp(name + strlen(name) - 11, ":updated_at") == 0;
        if (updated)
            name[strlen(name) - 11] = '\0';
        type = space_type_from_name(name);
        if (type < 0)
            continue;
        if (updated)
            counts->updated_at_ms[type] = store_reply_integer(reply->element[i + 1], -1);
        else
            counts->occupied[type] = store_reply_integer(reply->element[i + 1], -1);
    }
}

/* One lot's record from its HGETALL reply; false when memory is out. */
static bool read_record(struct load_call *load, size_t index, const redisReply *reply)
{
    const redisReply *json = hash_field(reply, "json");
    const redisReply *closures = hash_field(reply, "closures");
    int64_t version = store_reply_integer(hash_field(reply, "version"), 0);

    /* A lot deleted between SMEMBERS and HGETALL has no JSON: left out. */
    if (json == NULL || json->type != REDIS_REPLY_STRING)
        return true;
    load->jsons[index] = strndup(json->str, json->len);
    if (load->jsons[index] == NULL)
        return false;
    load->records[index] =
        (struct snapshot_record){load->ids[index],
                                 load->jsons[index],
                                 store_reply_integer(hash_field(reply, "occupied"), -1),
                                 version,
                                 store_reply_integer(hash_field(reply, "updated_at"), -1),
                                 &load->spaces[index],
                                 NULL};
    read_space_counts(reply, version, &load->spaces[index]);
    if (closures != NULL && closures->type == REDIS_REPLY_STRING) {
        load->closures[index] = strndup(closures->str, closures->len);
        if (load->closures[index] == NULL)
            return false;
        load->records[index].closures_json = load->closures[index];
    }
    return true;
}

static void send_lot_requests(struct load_call *load);

static void read_lot_fields(redisReply *reply, const struct store_recipient *recipient)
{
    struct load_item *item = recipient->data;
    struct load_call *load = item->load;
    size_t index = item->index;

    free(item);
    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0 ||
        !read_record(load, index, reply))
        load->failed = true;
    if (++load->answered == load->count)
        load_finish(load);
    else
        send_lot_requests(load);
}

/* The whole hash of one lot: its JSON, counts, type counts and closures, in one reply. */
static int request_lot_fields(struct store *store, struct load_call *load, size_t index)
{
    char key[KEY_SIZE];
    struct load_item *item = malloc(sizeof(*item));
    const char *command[] = {"HGETALL", key};
    int result;
    const struct store_request request = {.script = STORE_SCRIPT_NONE,
                                          .arguments = STORE_WORDS(command)};

    if (item == NULL)
        return STORE_ERROR_NO_MEMORY;
    *item = (struct load_item){load, index};
    snprintf(key, sizeof(key), STORE_PREFIX "lot:%s", load->ids[index]);
    result = store_call(store, &request, read_lot_fields, NULL, item);
    if (result != 0)
        free(item);
    return result;
}

/*
 * Send HGETALLs until LOAD_WINDOW are in flight or every id is asked for.
 * After a failure to send, the ids not sent count as answered (the load
 * has failed), so the replies still in flight end it.
 */
static void send_lot_requests(struct load_call *load)
{
    while (load->sent < load->count && load->sent - load->answered < LOAD_WINDOW) {
        if (load->failed || request_lot_fields(load->store, load, load->sent) != 0) {
            load->failed = true;
            load->answered += load->count - load->sent;
            load->sent = load->count;
            if (load->answered == load->count)
                load_finish(load);
            return;
        }
        load->sent++;
    }
}

/* Keep the ids of an SMEMBERS reply; false when out of memory. */
static bool keep_lot_ids(struct load_call *load, const redisReply *reply)
{
    load->count = reply->elements;
    load->ids = calloc(load->count + 1, sizeof(char *));
    load->jsons = calloc(load->count + 1, sizeof(char *));
    load->closures = calloc(load->count + 1, sizeof(char *));
    load->records = calloc(load->count + 1, sizeof(*load->records));
    load->spaces = calloc(load->count + 1, sizeof(*load->spaces));
    if (load->ids == NULL || load->jsons == NULL || load->closures == NULL ||
        load->records == NULL || load->spaces == NULL) {
        load->count = 0;
        return false;
    }
    for (size_t i = 0; i < load->count; i++) {
        load->ids[i] = strndup(reply->element[i]->str, reply->element[i]->len);
        if (load->ids[i] == NULL)
            return false;
    }
    return true;
}

static void read_lot_ids(redisReply *reply, const struct store_recipient *recipient)
{
    struct load_call *load = recipient->data;

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || !keep_lot_ids(load, reply))
        load->failed = true;
    if (load->count == 0 || load->failed) {
        load_finish(load);
        return;
    }
    /* The HGETALLs go out on the same link from within this reply callback. */
    send_lot_requests(load);
}

int store_lots_load(struct store *store, store_load_callback callback, void *data)
{
    struct load_call *load = calloc(1, sizeof(*load));
    const char *command[] = {"SMEMBERS", STORE_PREFIX "lots"};
    int result;
    const struct store_request request = {.script = STORE_SCRIPT_NONE,
                                          .arguments = STORE_WORDS(command)};

    if (load == NULL)
        return STORE_ERROR_NO_MEMORY;
    load->callback = callback;
    load->data = data;
    load->store = store;
    result = store_call(store, &request, read_lot_ids, NULL, load);
    if (result != 0)
        free(load);
    return result;
}

int store_demo_claim(struct store *store, store_outcome_callback callback, void *data)
{
    const char *keys[] = {STORE_PREFIX "lots", STORE_PREFIX "demo"};
    const struct store_request request = {.script = STORE_SCRIPT_DEMO_CLAIM,
                                          .keys = STORE_WORDS(keys)};
    return store_call(store, &request, store_read_outcome, (store_callback)callback, data);
}
