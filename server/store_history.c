/* store_history.c: lots' count history in Redis: days read at once, imports written at once.
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

/*
 * The three keys of one owner's history: the hash holding its latest
 * bucket, its days, and the day being written.
 */
static void owner_keys(enum store_history_owner owner, const char *id, char *latest, char *days,
                       char *open)
{
    if (owner == STORE_HISTORY_GROUPS) {
        snprintf(latest, KEY_SIZE, STORE_PREFIX "ghist:%s", id);
        snprintf(days, KEY_SIZE, STORE_PREFIX "ghist:%s:d", id);
        snprintf(open, KEY_SIZE, STORE_PREFIX "ghist:%s:t", id);
    } else {
        snprintf(latest, KEY_SIZE, STORE_PREFIX "lot:%s", id);
        snprintf(days, KEY_SIZE, STORE_PREFIX "hist:%s:d", id);
        snprintf(open, KEY_SIZE, STORE_PREFIX "hist:%s:t", id);
    }
}

int store_history_read(struct store *store, enum store_history_owner owner, const char *const *ids,
                       size_t count, int64_t first_day, size_t day_count,
                       store_history_callback callback, void *data)
{
    const char **keys;
    char *storage, first[NUMBER_SIZE], days[NUMBER_SIZE];
    const char *arguments[] = {first, days, owner == STORE_HISTORY_GROUPS ? "*hist" : "hist"};
    int result;

    if (words_new(3 * count, KEY_SIZE, &keys, &storage) != 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        owner_keys(owner, ids[i], (char *)keys[3 * i], (char *)keys[3 * i + 1],
                   (char *)keys[3 * i + 2]);
    snprintf(first, sizeof(first), "%" PRId64, first_day);
    snprintf(days, sizeof(days), "%zu", day_count);
    const struct store_request request = {.script = STORE_SCRIPT_HISTORY_LOAD,
                                          .keys = {keys, (int)(3 * count)},
                                          .arguments = {arguments, 3}};
    result = store_call(store, &request, read_days, (store_callback)callback, data);
    free(keys);
    free(storage);
    return result == 0 ? 0 : -1;
}

/* The hex of bytes (length of them) into out, and a NUL. */
static void hex_of(const unsigned char *bytes, size_t length, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t b = 0; b < length; b++) {
        *out++ = digits[bytes[b] >> 4];
        *out++ = digits[bytes[b] & 15];
    }
    *out = '\0';
}

/*
 * One day's four arguments (day, first and last bucket of the day, hex) for
 * records[from, to); hourly records for a day before hourly_before_day
 * with more than 24 records.
 */
static void day_words(const struct history_record *records, int64_t first_bucket, size_t from,
                      size_t to, int64_t hourly_before_day, const char **words)
{
    int64_t bucket = first_bucket + (int64_t)from;
    int64_t day = bucket / HISTORY_BUCKETS_PER_DAY;
    size_t of_day = (size_t)(bucket - day * HISTORY_BUCKETS_PER_DAY), length;
    struct history_record whole[HISTORY_BUCKETS_PER_DAY] = {0}, hours[24];
    unsigned char bytes[HISTORY_DAY_BYTES];

    size_t present = 0;

    for (size_t i = from; i < to; i++)
        present += records[i].present;
    /* A day of at most 24 records is no larger in 5-minute records, and exact. */
    if (day < hourly_before_day && present > 24) {
        memcpy(whole + of_day, records + from, (to - from) * sizeof(*records));
        history_day_hourly(whole, hours);
        length = history_day_encode(hours, 24, HISTORY_HOURLY_FIRST, bytes);
    } else {
        length = history_day_encode(records + from, to - from, of_day, bytes);
    }

    snprintf((char *)words[0], NUMBER_SIZE, "%" PRId64, day);
    snprintf((char *)words[1], NUMBER_SIZE, "%zu", of_day);
    snprintf((char *)words[2], NUMBER_SIZE, "%zu", of_day + (to - from) - 1);
    hex_of(bytes, length, (char *)words[3]);
}

int store_history_import(struct store *store, const char *lot_id,
                         const struct history_record *records, int64_t first_bucket, size_t count,
                         int64_t hourly_before_day, store_outcome_callback callback, void *data)
{
    int64_t first_day = first_bucket / HISTORY_BUCKETS_PER_DAY;
    size_t days =
        (size_t)((first_bucket + (int64_t)count - 1) / HISTORY_BUCKETS_PER_DAY - first_day + 1);
    const size_t word_size = 2 * HISTORY_DAY_BYTES + 1;
    const char *keys[2], **arguments;
    char *argument_storage, lot_key[KEY_SIZE], days_key[KEY_SIZE], open_key[KEY_SIZE];
    char retention[NUMBER_SIZE];
    int result;

    if (words_new(1 + 4 * days, word_size, &arguments, &argument_storage) != 0)
        return -1;
    owner_keys(STORE_HISTORY_LOTS, lot_id, lot_key, days_key, open_key);
    keys[0] = lot_key;
    keys[1] = days_key;
    snprintf(retention, sizeof(retention), "%" PRId64, store_history_days(store) * 86400);
    arguments[0] = retention;
    for (size_t d = 0, from = 0; d < days; d++) {
        int64_t day_end = (first_day + (int64_t)d + 1) * HISTORY_BUCKETS_PER_DAY - first_bucket;
        size_t to = day_end < (int64_t)count ? (size_t)day_end : count;
        day_words(records, first_bucket, from, to, hourly_before_day, &arguments[1 + 4 * d]);
        from = to;
    }
    const struct store_request request = {.script = STORE_SCRIPT_HISTORY_IMPORT,
                                          .keys = {keys, 2},
                                          .arguments = {arguments, (int)(1 + 4 * days)}};
    result = store_call(store, &request, store_read_outcome, (store_callback)callback, data);
    free(arguments);
    free(argument_storage);
    return result == 0 ? 0 : -1;
}
