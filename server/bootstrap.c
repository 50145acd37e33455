/* bootstrap.c: work done when Redis becomes ready: the admin token, the demo city. */
#include "bootstrap.h"

#include "calendar.h"
#include "civil.h"
#include "clock.h"
#include "demo.h"
#include "group.h"
#include "growable.h"
#include "log.h"
#include "lot.h"
#include "store_calendars.h"
#include "store_groups.h"
#include "store_lots.h"
#include "store_tokens.h"
#include "token.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Demo lots whose attendant tokens are written out: the first of each group. */
#define DEMO_TOKEN_LOTS_MAX 8

struct demo_lot {
    char *id;
    char *static_json;
    int64_t capacity;
};

struct demo_token {
    char *lot_id;
    char *group;
};

/* A shipped calendar, validated, as the canonical native JSON. */
struct seed_calendar {
    char *id;
    char *json;
    bool replace; /* its file changed on a reload: Redis takes it over what it holds */
};

/* The shipped calendars as last read from calendar_dir. */
struct seed_list {
    struct seed_calendar *items;
    size_t count;
    size_t capacity;
};

/* The context of one store_calendar_put: the seed is found again by id. */
struct seed_call {
    struct bootstrap *bootstrap;
    char id[WIRE_ID_MAX + 1];
};

struct bootstrap {
    struct store *store;
    struct seed_list calendars;
    const struct data_dir *data_dir;
    char admin_hash[65];
    char admin_id[17];
    struct demo_lot *demo_lots;
    size_t demo_count;
    struct demo_token demo_tokens[DEMO_TOKEN_LOTS_MAX];
    size_t demo_token_count;
    bool demo_claimed;
    json_t *demo_groups; /* group id -> its names, as group_from_json made them */
};

static const char component[] = "bootstrap";

/* Remember the first lot of each group for the demo's attendant tokens. */
static int note_demo_token(struct bootstrap *bootstrap, const json_t *lot_json, const char *id)
{
    const char *group = json_string_value(json_array_get(json_object_get(lot_json, "groups"), 0));
    struct demo_token *token;

    if (group == NULL || bootstrap->demo_token_count == DEMO_TOKEN_LOTS_MAX)
        return 0;
    for (size_t i = 0; i < bootstrap->demo_token_count; i++) {
        if (strcmp(bootstrap->demo_tokens[i].group, group) == 0)
            return 0;
    }
    token = &bootstrap->demo_tokens[bootstrap->demo_token_count];
    token->lot_id = strdup(id);
    token->group = strdup(group);
    if (token->lot_id == NULL || token->group == NULL)
        return -1;
    bootstrap->demo_token_count++;
    return 0;
}

/* Validate one demo lot like a PUT and keep its canonical JSON. */
static int read_demo_lot(struct bootstrap *bootstrap, const json_t *entry, size_t index,
                         char *error, size_t error_size)
{
    const char *id = json_string_value(json_object_get(entry, "id"));
    struct demo_lot *demo = &bootstrap->demo_lots[bootstrap->demo_count];
    struct field_errors errors = {0};
    struct lot *lot = NULL;
    json_t *canonical = NULL;
    char summary[400];
    int result = -1;

    if (id == NULL) {
        snprintf(error, error_size, "lots[%zu] has no \"id\"", index);
        return -1;
    }
    if (lot_from_json(id, entry, &lot, &errors) != 0) {
        field_errors_summary(&errors, "invalid lot", summary, sizeof(summary));
        snprintf(error, error_size, "lot '%.64s': %.300s", id, summary);
        goto cleanup;
    }
    canonical = lot_static_to_json(lot);
    demo->id = strdup(id);
    demo->static_json =
        canonical ? json_dumps(canonical, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    demo->capacity = lot->capacity;
    if (demo->id == NULL || demo->static_json == NULL || note_demo_token(bootstrap, entry, id)) {
        free(demo->id);
        free(demo->static_json);
        snprintf(error, error_size, "out of memory");
        goto cleanup;
    }
    bootstrap->demo_count++;
    result = 0;
cleanup:
    json_decref(canonical);
    lot_free(lot);
    field_errors_clear(&errors);
    return result;
}

/* The demo's optional "groups": {"id": {"name", "names"}}, each checked like a PUT. */
static int read_demo_groups(struct bootstrap *bootstrap, const json_t *groups, char *error,
                            size_t error_size)
{
    const char *id;
    json_t *body, *stored;

    if (groups == NULL)
        return 0;
    bootstrap->demo_groups = json_object();
    if (!json_is_object(groups) || bootstrap->demo_groups == NULL) {
        snprintf(error, error_size, "\"groups\" must be an object of group id to names");
        return -1;
    }
    json_object_foreach((json_t *)groups, id, body)
    {
        struct field_errors errors = {0};
        char summary[300];
        if (!lot_id_is_valid(id) || group_from_json(body, &stored, &errors) != 0) {
            field_errors_summary(&errors, "invalid id", summary, sizeof(summary));
            snprintf(error, error_size, "group %.64s: %s", id, summary);
            return -1;
        }
        json_object_set_new(bootstrap->demo_groups, id, stored);
    }
    return 0;
}

static int read_demo(struct bootstrap *bootstrap, const char *path, char *error, size_t error_size)
{
    json_error_t parse_error;
    json_t *document = json_load_file(path, JSON_REJECT_DUPLICATES, &parse_error);
    const json_t *lots = json_object_get(document, "lots");
    char reason[400];
    size_t index;
    json_t *entry;

    if (document == NULL) {
        snprintf(error, error_size, "demo %s:%d: %s", path, parse_error.line, parse_error.text);
        return -1;
    }
    if (!json_is_array(lots)) {
        snprintf(error, error_size, "demo %s: expected {\"lots\": [...]}", path);
        json_decref(document);
        return -1;
    }
    bootstrap->demo_lots = calloc(json_array_size(lots) + 1, sizeof(*bootstrap->demo_lots));
    if (bootstrap->demo_lots == NULL) {
        json_decref(document);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    json_array_foreach(lots, index, entry)
    {
        if (read_demo_lot(bootstrap, entry, index, reason, sizeof(reason)) != 0) {
            snprintf(error, error_size, "demo %s: %s", path, reason);
            json_decref(document);
            return -1;
        }
    }
    if (read_demo_groups(bootstrap, json_object_get(document, "groups"), reason, sizeof(reason)) !=
        0) {
        snprintf(error, error_size, "demo %s: %s", path, reason);
        json_decref(document);
        return -1;
    }
    json_decref(document);
    return 0;
}

static void seed_list_clear(struct seed_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].id);
        free(list->items[i].json);
    }
    free(list->items);
    *list = (struct seed_list){0};
}

static struct seed_calendar *seed_find(const struct seed_list *list, const char *id)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i].id, id) == 0)
            return &list->items[i];
    }
    return NULL;
}

/* Append a copy of id and json (json is taken over); returns 0 or -1 (memory). */
static int seed_add(struct seed_list *list, const char *id, char *json)
{
    struct seed_calendar *seed;

    if (json == NULL || growable_reserve((void **)&list->items, &list->capacity, list->count + 1,
                                         sizeof(*list->items)) != 0) {
        free(json);
        return -1;
    }
    seed = &list->items[list->count];
    *seed = (struct seed_calendar){strdup(id), json, false};
    if (seed->id == NULL) {
        free(json);
        return -1;
    }
    list->count++;
    return 0;
}

/* Read and validate one calendar file; keep its canonical JSON for seeding. */
static int read_calendar_file(struct seed_list *list, const char *path, const char *id, char *error,
                              size_t error_size)
{
    json_error_t parse_error;
    json_t *document = json_load_file(path, JSON_REJECT_DUPLICATES, &parse_error), *canonical;
    struct calendar *calendar = NULL;
    char reason[256];

    if (document == NULL) {
        snprintf(error, error_size, "%s:%d: %s", path, parse_error.line, parse_error.text);
        return -1;
    }
    if (calendar_from_json(document, &calendar, reason, sizeof(reason)) != 0) {
        snprintf(error, error_size, "%s: %s", path, reason);
        json_decref(document);
        return -1;
    }
    json_decref(document);
    canonical = calendar_to_json(calendar, 0);
    calendar_free(calendar);
    if (canonical == NULL || seed_add(list, id, json_dumps(canonical, JSON_COMPACT)) != 0) {
        json_decref(canonical);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    json_decref(canonical);
    return 0;
}

/*
 * Read every <id>.json in directory into list. Without previous (at start)
 * the first bad file stops the read with its reason in error; with it (a
 * reload) a bad file is logged and its calendar from before, if any, kept,
 * counted in *kept.
 */
static int read_calendars(struct seed_list *list, const char *directory,
                          const struct seed_list *previous, size_t *kept, char *error,
                          size_t error_size)
{
    DIR *listing = opendir(directory);
    struct dirent *entry;
    int result = 0;

    if (listing == NULL) {
        snprintf(error, error_size, "calendar_dir %s: %s", directory, strerror(errno));
        return -1;
    }
    while (result == 0 && (entry = readdir(listing)) != NULL) {
        size_t length = strlen(entry->d_name);
        char path[PATH_MAX], id[WIRE_ID_MAX + 1];
        const struct seed_calendar *old;
        if (length <= 5 || strcmp(entry->d_name + length - 5, ".json") != 0)
            continue;
        /* A name too long for an id is refused, not cut down to a valid one. */
        snprintf(id, sizeof(id), "%.*s", (int)(length - 5), entry->d_name);
        snprintf(path, sizeof(path), "%s/%s", directory, entry->d_name);
        if (length - 5 > WIRE_ID_MAX || !lot_id_is_valid(id)) {
            snprintf(error, error_size,
                     "%s: a calendar file is named <id>.json with an id "
                     "matching [a-z0-9][a-z0-9_-]{0,63}",
                     path);
            result = -1;
        } else {
            result = read_calendar_file(list, path, id, error, error_size);
        }
        if (result == 0 || previous == NULL || strcmp(error, "out of memory") == 0)
            continue;
        old = seed_find(previous, id);
        log_warning(component, "%s; %s", error,
                    old != NULL ? "the calendar read before is kept" : "the file is skipped");
        result = old != NULL ? seed_add(list, id, strdup(old->json)) : 0;
        *kept += old != NULL;
    }
    closedir(listing);
    return result;
}

int bootstrap_new(struct store *store, const struct data_dir *data_dir, const char *calendar_dir,
                  const char *demo_path, struct bootstrap **out, char *error, size_t error_size)
{
    struct bootstrap *bootstrap = calloc(1, sizeof(*bootstrap));
    char path[PATH_MAX], token[TOKEN_LENGTH + 2];

    if (bootstrap == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    bootstrap->store = store;
    bootstrap->data_dir = data_dir;
    if (data_dir_file(data_dir, "admin.token", path, sizeof(path)) != 0 ||
        token_read_file(path, token, sizeof(token), error, error_size) != 0)
        goto fail;
    token_hash_hex(token, bootstrap->admin_hash);
    explicit_bzero(token, sizeof(token));
    token_id_from_hash(bootstrap->admin_hash, bootstrap->admin_id);
    if (read_calendars(&bootstrap->calendars, calendar_dir, NULL, NULL, error, error_size) != 0)
        goto fail;
    if (demo_path != NULL && read_demo(bootstrap, demo_path, error, error_size) != 0)
        goto fail;
    *out = bootstrap;
    return 0;
fail:
    bootstrap_free(bootstrap);
    return -1;
}

int bootstrap_check_files(const char *calendar_dir, const char *demo_path, char *error,
                          size_t error_size)
{
    struct bootstrap *bootstrap = calloc(1, sizeof(*bootstrap));
    int result = -1;

    if (bootstrap == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    if (read_calendars(&bootstrap->calendars, calendar_dir, NULL, NULL, error, error_size) == 0 &&
        (demo_path == NULL || read_demo(bootstrap, demo_path, error, error_size) == 0))
        result = 0;
    bootstrap_free(bootstrap);
    return result;
}

static void on_admin_registered(enum store_outcome outcome, void *data)
{
    struct bootstrap *bootstrap = data;
    if (outcome == STORE_OUTCOME_CREATED)
        log_info(component, "registered the admin token %s", bootstrap->admin_id);
    else if (outcome == STORE_OUTCOME_REVOKED)
        log_warning(component,
                    "the admin token %s in admin.token was revoked; delete the file "
                    "and restart for a new one",
                    bootstrap->admin_id);
    else if (outcome != STORE_OUTCOME_EXISTS)
        log_warning(component, "could not register the admin token; retried when Redis is back");
}

/* A demo attendant token: stored first, then written where a new user finds it. */
struct demo_token_call {
    struct bootstrap *bootstrap;
    char token[TOKEN_LENGTH + 1];
    char lot_id[WIRE_ID_MAX + 1];
};

static void write_token_file(const struct bootstrap *bootstrap, const char *lot_id,
                             const char *token)
{
    char name[128], path[PATH_MAX];
    int fd;

    snprintf(name, sizeof(name), "attendant-%s.token", lot_id);
    if (data_dir_file(bootstrap->data_dir, name, path, sizeof(path)) != 0)
        return;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || dprintf(fd, "%s\n", token) < 0 || fsync(fd) != 0) {
        log_warning(component, "cannot write %s: %s", path, strerror(errno));
    } else {
        log_info(component, "demo attendant token for lot %s: %s", lot_id, path);
    }
    if (fd >= 0)
        close(fd);
}

static void on_demo_token_stored(enum store_outcome outcome, void *data)
{
    struct demo_token_call *call = data;
    if (outcome == STORE_OUTCOME_CREATED)
        write_token_file(call->bootstrap, call->lot_id, call->token);
    else
        log_warning(component, "could not store the demo token for lot %s", call->lot_id);
    explicit_bzero(call->token, sizeof(call->token));
    free(call);
}

static void create_demo_token(struct bootstrap *bootstrap, const char *lot_id)
{
    struct demo_token_call *call = calloc(1, sizeof(*call));
    struct store_token token;
    char hash[65], id[17], created_at[25], lots[96], scope[96], name[128];

    if (call == NULL || token_generate(call->token, sizeof(call->token)) != 0) {
        free(call);
        return;
    }
    call->bootstrap = bootstrap;
    snprintf(call->lot_id, sizeof(call->lot_id), "%s", lot_id);
    token_hash_hex(call->token, hash);
    token_id_from_hash(hash, id);
    clock_now_rfc3339(created_at);
    snprintf(lots, sizeof(lots), "[\"%s\"]", lot_id);
    snprintf(scope, sizeof(scope), ",%s,", lot_id);
    snprintf(name, sizeof(name), "demo attendant for %s", lot_id);
    token = (struct store_token){id, "attendant", lots, scope, name, created_at};
    if (store_token_create(bootstrap->store, hash, &token, on_demo_token_stored, call) != 0) {
        explicit_bzero(call->token, sizeof(call->token));
        free(call);
    }
}

static void on_demo_lot_stored(const struct store_lot_result *result, void *data)
{
    const char *id = data;
    if (result->outcome != STORE_OUTCOME_CREATED && result->outcome != STORE_OUTCOME_REPLACED)
        log_warning(component, "the demo lot %s was not stored", id);
}

static void on_demo_count_stored(const struct store_occupancy_result *result, void *data)
{
    const char *id = data;
    if (result->outcome != STORE_OUTCOME_OK)
        log_warning(component, "the demo count of lot %s was not stored", id);
}

static void on_demo_group_stored(enum store_outcome outcome, void *data)
{
    if (outcome != STORE_OUTCOME_CREATED && outcome != STORE_OUTCOME_REPLACED)
        log_warning(component, "the demo names of a group were not stored");
}

/*
 * The demo city's areas get their names, and each lot a plausible count
 * recorded now, through the attendants' own write path with the bootstrap
 * admin token; the audit marks both with client "demo".
 */
static void load_demo_life(struct bootstrap *bootstrap)
{
    const struct store_group_author author = {bootstrap->admin_id, "demo"};
    const char *id;
    json_t *names;

    json_object_foreach(bootstrap->demo_groups, id, names)
    {
        char *text = json_dumps(names, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text == NULL ||
            store_group_put(bootstrap->store, id, text, &author, on_demo_group_stored, NULL) != 0)
            log_warning(component, "the demo names of group %s were not stored", id);
        free(text);
    }
    for (size_t i = 0; i < bootstrap->demo_count; i++) {
        const struct demo_lot *lot = &bootstrap->demo_lots[i];
        struct store_occupancy_update update = {.lot_id = lot->id,
                                                .recount = true,
                                                .value =
                                                    demo_plausible_count(lot->id, lot->capacity),
                                                .token_hash = bootstrap->admin_hash,
                                                .client = "demo"};
        store_occupancy_apply(bootstrap->store, &update, on_demo_count_stored, lot->id);
    }
}

static void on_demo_claimed(enum store_outcome outcome, void *data)
{
    struct bootstrap *bootstrap = data;
    int64_t spaces = 0;

    if (outcome == STORE_OUTCOME_EXISTS) {
        bootstrap->demo_claimed = true;
        log_info(component, "the store already has lots (or had the demo): no demo load");
        return;
    }
    /* NOT_REPLICATED: the claim is made on the master all the same, and a retry would
     * find it taken (EXISTS) and never load the demo. */
    if (outcome != STORE_OUTCOME_OK && outcome != STORE_OUTCOME_NOT_REPLICATED)
        return; /* retried on the next ready */
    bootstrap->demo_claimed = true;
    for (size_t i = 0; i < bootstrap->demo_count; i++) {
        const struct demo_lot *lot = &bootstrap->demo_lots[i];
        struct store_lot_write write = {lot->id, lot->static_json, lot->capacity, "demo",
                                        "parkshare-server"};
        spaces += lot->capacity;
        store_lot_put(bootstrap->store, &write, on_demo_lot_stored, lot->id);
    }
    load_demo_life(bootstrap);
    for (size_t i = 0; i < bootstrap->demo_token_count; i++)
        create_demo_token(bootstrap, bootstrap->demo_tokens[i].lot_id);
    log_info(component, "loading the demo city: %zu lots, %lld spaces", bootstrap->demo_count,
             (long long)spaces);
}

static void on_calendar_seeded(enum store_outcome outcome, void *data)
{
    struct seed_call *call = data;
    struct seed_calendar *seed = seed_find(&call->bootstrap->calendars, call->id);

    if (outcome == STORE_OUTCOME_CREATED)
        log_info(component, "stored the shipped calendar %s", call->id);
    else if (outcome == STORE_OUTCOME_REPLACED)
        log_info(component, "replaced the calendar %s with its changed file", call->id);
    else if (outcome != STORE_OUTCOME_EXISTS)
        log_warning(component, "could not store the calendar %s; retried when Redis is back",
                    call->id);
    if (seed != NULL && (outcome == STORE_OUTCOME_CREATED || outcome == STORE_OUTCOME_REPLACED))
        seed->replace = false;
    free(call);
}

/* Put one seed: only when absent, unless its file changed since it was stored. */
static void seed_calendar(struct bootstrap *bootstrap, const struct seed_calendar *seed)
{
    struct seed_call *call = calloc(1, sizeof(*call));

    if (call == NULL) {
        log_warning(component, "could not store the calendar %s: out of memory", seed->id);
        return;
    }
    call->bootstrap = bootstrap;
    snprintf(call->id, sizeof(call->id), "%s", seed->id);
    /* Not sent (Redis away): a changed seed keeps its mark for the next ready. */
    if (store_calendar_put(bootstrap->store, seed->id, seed->json, !seed->replace,
                           on_calendar_seeded, call) != 0)
        free(call);
}

int bootstrap_reload_calendars(struct bootstrap *bootstrap, const char *calendar_dir,
                               struct bootstrap_reload *summary)
{
    struct seed_list fresh = {0};
    char error[600];

    *summary = (struct bootstrap_reload){0};
    if (read_calendars(&fresh, calendar_dir, &bootstrap->calendars, &summary->kept, error,
                       sizeof(error)) != 0) {
        log_warning(component, "%s; the calendars read before are kept", error);
        seed_list_clear(&fresh);
        summary->calendars = bootstrap->calendars.count;
        return -1;
    }
    for (size_t i = 0; i < fresh.count; i++) {
        const struct seed_calendar *old = seed_find(&bootstrap->calendars, fresh.items[i].id);
        /* The operator changed the file and asked for it: it wins over Redis' copy. */
        fresh.items[i].replace =
            old == NULL || old->replace || strcmp(old->json, fresh.items[i].json) != 0;
        summary->changed += old == NULL || strcmp(old->json, fresh.items[i].json) != 0;
    }
    seed_list_clear(&bootstrap->calendars);
    bootstrap->calendars = fresh;
    summary->calendars = fresh.count;
    if (store_is_ready(bootstrap->store)) {
        for (size_t i = 0; i < fresh.count; i++) {
            if (fresh.items[i].replace)
                seed_calendar(bootstrap, &fresh.items[i]);
        }
    }
    return 0;
}

void bootstrap_on_ready(struct bootstrap *bootstrap)
{
    char created_at[25];

    for (size_t i = 0; i < bootstrap->calendars.count; i++)
        seed_calendar(bootstrap, &bootstrap->calendars.items[i]);

    clock_now_rfc3339(created_at);
    store_token_bootstrap(bootstrap->store, bootstrap->admin_hash, bootstrap->admin_id,
                          "admin token from data_dir", created_at, on_admin_registered, bootstrap);
    if (bootstrap->demo_count > 0 && !bootstrap->demo_claimed)
        store_demo_claim(bootstrap->store, on_demo_claimed, bootstrap);
}

void bootstrap_free(struct bootstrap *bootstrap)
{
    if (bootstrap == NULL)
        return;
    for (size_t i = 0; i < bootstrap->demo_count; i++) {
        free(bootstrap->demo_lots[i].id);
        free(bootstrap->demo_lots[i].static_json);
    }
    free(bootstrap->demo_lots);
    json_decref(bootstrap->demo_groups);
    seed_list_clear(&bootstrap->calendars);
    for (size_t i = 0; i < bootstrap->demo_token_count; i++) {
        free(bootstrap->demo_tokens[i].lot_id);
        free(bootstrap->demo_tokens[i].group);
    }
    free(bootstrap);
}
