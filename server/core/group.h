/* group.h: named areas (groups of lots): validation of a name and the table of names; pure. */
#ifndef PARKSHARE_GROUP_H
#define PARKSHARE_GROUP_H

#include "field_error.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define GROUP_NAME_MAX 64 /* characters, in either language */

enum group_error {
    GROUP_ERROR_INVALID = FIELD_ERROR_INVALID, /* errors says which fields and rules */
    GROUP_ERROR_NO_MEMORY = -2,
};

/* A group's names: name (Chinese, shown by default) and an optional English name. */
struct group_name {
    char *id;
    char *name;
    char *name_en; /* NULL when none */
};

/*
 * Check a PUT body {"name": text, "names": {"en": text}} ("names" optional;
 * no other member). Text is 1..GROUP_NAME_MAX characters, single line, not
 * only spaces. On 0, *stored is the canonical JSON to store (a new
 * reference); else GROUP_ERROR_INVALID with every broken rule in errors, or
 * GROUP_ERROR_NO_MEMORY.
 */
int group_from_json(const json_t *body, json_t **stored, struct field_errors *errors);

/* Every group's names, kept sorted by id. */
struct group_names;

/* An empty table, or NULL when out of memory. */
struct group_names *group_names_new(void);

/* Accepts NULL. */
void group_names_free(struct group_names *names);

/*
 * Set id's names from stored JSON (as group_from_json made it; re-checked).
 * Returns 0, GROUP_ERROR_INVALID (the table is unchanged) or NO_MEMORY.
 */
int group_names_set(struct group_names *names, const char *id, const json_t *stored);

/* Forget id (nothing when unknown). */
void group_names_remove(struct group_names *names, const char *id);

/* Forget every name (before a full reload). */
void group_names_clear(struct group_names *names);

/* A number that moves whenever a name is set, removed or cleared: answers built from the
 * names are kept while it stays. */
uint64_t group_names_revision(const struct group_names *names);

/* id's names, or NULL; valid until the table changes. */
const struct group_name *group_names_find(const struct group_names *names, const char *id);

/* How many, and the index-th in id order. */
size_t group_names_count(const struct group_names *names);
const struct group_name *group_names_at(const struct group_names *names, size_t index);

/* {"name": …, "names": {"en": …}} or {"name": null, "names": {}} for an unnamed id. */
json_t *group_name_to_json(const struct group_name *name);

#endif
