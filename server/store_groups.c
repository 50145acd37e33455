/* store_groups.c: the names of areas (groups of lots) in Redis, shared by every daemon. */
#include "store_groups.h"

#include "store_private.h"

#include <inttypes.h>
#include <stdio.h>

#define KEY_SIZE 128

/* Run a group script on KEYS ps:group:{id}, ps:groups, ps:audit. */
static int run_group_script(struct store *store, enum store_script script, const char *id,
                            struct store_words arguments, store_outcome_callback callback,
                            void *data)
{
    char key[KEY_SIZE];
    const char *keys[] = {key, STORE_PREFIX "groups", STORE_PREFIX "audit"};
    const struct store_request request = {
        .script = script, .keys = STORE_WORDS(keys), .arguments = arguments};

    snprintf(key, sizeof(key), STORE_PREFIX "group:%s", id);
    return store_call(store, &request, store_read_outcome, (store_callback)callback, data);
}

int store_group_put(struct store *store, const char *id, const char *json,
                    const struct store_group_author *author, store_outcome_callback callback,
                    void *data)
{
    char cap[24];
    const char *arguments[] = {
        id, json, author->token_id, author->client, store_change_channel(store), cap};

    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return run_group_script(store, STORE_SCRIPT_GROUP_PUT, id, STORE_WORDS(arguments), callback,
                            data);
}

int store_group_delete(struct store *store, const char *id, const struct store_group_author *author,
                       store_outcome_callback callback, void *data)
{
    char cap[24];
    const char *arguments[] = {id, author->token_id, author->client, store_change_channel(store),
                               cap};

    snprintf(cap, sizeof(cap), "%" PRId64, store_audit_max_length(store));
    return run_group_script(store, STORE_SCRIPT_GROUP_DELETE, id, STORE_WORDS(arguments), callback,
                            data);
}

int store_group_get(struct store *store, const char *id, store_group_callback callback, void *data)
{
    return store_document_get(store, STORE_PREFIX "group:", id, callback, data);
}

int store_groups_load(struct store *store, store_group_callback callback, void *data)
{
    return store_documents_load(store, STORE_PREFIX "groups", STORE_PREFIX "group:", callback,
                                data);
}
