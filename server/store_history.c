/* store_history.c: lots' count history in Redis: day strings read at once, imports written at once.
 */
#include "store_history.h"

#include "store_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SIZE    128
#define NUMBER_SIZE 24

static void read_days(redisReply *reply, const struct store_recipient *recipient)
{
    store_history_callback callback = (store_history_callback)recipient->callback;
    const unsigned char **days = NULL;
    size_t *lengths = NULL;

    if (reply == NULL) {
        callback(STORE_OUTCOME_UNAVAILABLE, NULL, NULL, recipient->data);
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY)
        goto failed;
    days = calloc(reply->elements + 1, sizeof(*days));
    lengths = calloc(reply->elements + 1, sizeof(*lengths));
    if (days == NULL || lengths == NULL)
        goto failed;
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *element = reply->element[i];
        if (element->type == REDIS_REPLY_STRING) {
            days[i] = (const unsigned char *)element->str;
            lengths[i] = element->len;
        } else if (element->type != REDIS_REPLY_NIL) {
            goto failed;
        }
    }
    callback(STORE_OUTCOME_OK, days, lengths, recipient->data);
    free(days);
    free(lengths);
    return;
failed:
    free(days);
    free(lengths);
    callback(STORE_OUTCOME_FAILED, NULL, NULL, recipient->data);
}

/* Room for count words of size bytes each, and the array pointing at them. */
static int words_new(size_t count, size_t size, const char ***words, char **storage)
{
    *words = calloc(count + 1, sizeof(**words));
    *storage = calloc(count + 1, size);
    if (*words == NULL || *storage == NULL) {
        free(*words);
        free(*storage);
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        (*words)[i] = *storage + i * size;
    return 0;
}

int store_history_read(struct store *store, const char *const *lot_ids, size_t lot_count,
                       int64_t first_day, size_t day_count, store_history_callback callback,
                       void *data)
{
    size_t count = 1 + lot_count * day_count;
    const char **words;
    char *storage;
    int result;

    if (words_new(count, KEY_SIZE, &words, &storage) != 0)
        return -1;
    words[0] = "MGET";
    for (size_t lot = 0; lot < lot_count; lot++)
        for (size_t day = 0; day < day_count; day++)
            snprintf((char *)words[1 + lot * day_count + day], KEY_SIZE,
                     STORE_PREFIX "hist:%s:%" PRId64, lot_ids[lot], first_day + (int64_t)day);
    const struct store_request request = {.script = STORE_SCRIPT_NONE,
                                          .arguments = {words, (int)count}};
    result = store_call(store, &request, read_days, (store_callback)callback, data);
    free(words);
    free(storage);
    return result == 0 ? 0 : -1;
}

/* The hex of records[from, to) into out (2 * HISTORY_RECORD_BYTES per record, and a NUL). */
static void span_hex(const struct history_record *records, size_t from, size_t to, char *out)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char bytes[HISTORY_RECORD_BYTES];

    for (size_t i = from; i < to; i++) {
        history_record_encode(&records[i], bytes);
        for (size_t b = 0; b < HISTORY_RECORD_BYTES; b++) {
            *out++ = digits[bytes[b] >> 4];
            *out++ = digits[bytes[b] & 15];
        }
    }
    *out = '\0';
}

/* One day's key and its three arguments (day, offset, hex) for records[from, to). */
static void day_words(const char *lot_id, const struct history_record *records,
                      int64_t first_bucket, size_t from, size_t to, char *key, char *day_text,
                      char *offset_text, char *hex)
{
    int64_t bucket = first_bucket + (int64_t)from;
    int64_t day = bucket / HISTORY_BUCKETS_PER_DAY;

    snprintf(key, KEY_SIZE, STORE_PREFIX "hist:%s:%" PRId64, lot_id, day);
    snprintf(day_text, NUMBER_SIZE, "%" PRId64, day);
    snprintf(offset_text, NUMBER_SIZE, "%" PRId64,
             (bucket - day * HISTORY_BUCKETS_PER_DAY) * HISTORY_RECORD_BYTES);
    span_hex(records, from, to, hex);
}

int store_history_import(struct store *store, const char *lot_id,
                         const struct history_record *records, int64_t first_bucket, size_t count,
                         store_outcome_callback callback, void *data)
{
    int64_t first_day = first_bucket / HISTORY_BUCKETS_PER_DAY;
    size_t days =
        (size_t)((first_bucket + (int64_t)count - 1) / HISTORY_BUCKETS_PER_DAY - first_day + 1);
    const size_t hex_size = 2 * HISTORY_DAY_BYTES + 1;
    const char **keys, **arguments;
    char *key_storage, *argument_storage, retention[NUMBER_SIZE];
    int result = -1;

    if (words_new(days + 1, KEY_SIZE, &keys, &key_storage) != 0)
        return -1;
    if (words_new(1 + 3 * days, hex_size, &arguments, &argument_storage) != 0)
        goto free_keys;
    snprintf((char *)keys[0], KEY_SIZE, STORE_PREFIX "lot:%s", lot_id);
    snprintf(retention, sizeof(retention), "%" PRId64, store_history_days(store) * 86400);
    arguments[0] = retention;
    for (size_t d = 0, from = 0; d < days; d++) {
        int64_t day_end = (first_day + (int64_t)d + 1) * HISTORY_BUCKETS_PER_DAY - first_bucket;
        size_t to = day_end < (int64_t)count ? (size_t)day_end : count;
        day_words(lot_id, records, first_bucket, from, to, (char *)keys[1 + d],
                  (char *)arguments[1 + 3 * d], (char *)arguments[2 + 3 * d],
                  (char *)arguments[3 + 3 * d]);
        from = to;
    }
    const struct store_request request = {.script = STORE_SCRIPT_HISTORY_IMPORT,
                                          .keys = {keys, (int)(days + 1)},
                                          .arguments = {arguments, (int)(1 + 3 * days)}};
    result = store_call(store, &request, store_read_outcome, (store_callback)callback, data);
    free(arguments);
    free(argument_storage);
free_keys:
    free(keys);
    free(key_storage);
    return result == 0 ? 0 : -1;
}
