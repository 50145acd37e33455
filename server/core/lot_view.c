/* lot_view.c: lots' answers in an immutable, path-copied map (a hash trie of fixed depth). */
#include "lot_view.h"

#include "lot_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Three levels of 32 children index 15 bits of the id's hash; a bucket holds the rest. */
#define FANOUT_BITS 5
#define FANOUT      (1u << FANOUT_BITS)
#define LEVELS      3

/* A piece is mutable while its generation is the draft's: made by this draft, not yet read. */
struct node {
    uint64_t generation;
    void *children[FANOUT]; /* nodes, or buckets at the last level */
};

struct bucket {
    uint64_t generation;
    size_t count, capacity;
    struct rendered_answer *entries[];
};

struct lot_view {
    struct node *root;
    struct node *answers; /* other reads' answers, by their key: a trie of its own */
    size_t count, answers_count;
    int64_t stale_since_ms;
    uint64_t generation;
    struct lot_index *index; /* owned; the version after the one that set it retires it */
    uint64_t layout;         /* the snapshot's layout the lots above are at */
};

/* PIECE_ANSWERS: a whole answers trie dropped, freed with everything under it. */
enum piece_kind { PIECE_NODE, PIECE_BUCKET, PIECE_ENTRY, PIECE_VIEW, PIECE_ANSWERS, PIECE_INDEX };

static void walk(void *pointer, int level, bool release,
                 void (*visit)(const struct rendered_answer *, void *), void *data);

struct piece {
    void *pointer;
    enum piece_kind kind;
};

struct lot_view_garbage {
    struct piece *pieces;
    size_t count, capacity;
    bool incomplete; /* memory ran out while retiring: some pieces leak rather than dangle */
};

struct lot_view_draft {
    struct lot_view *view; /* the new version, mutable until finished */
    struct lot_view *from; /* NULL for a first version */
    struct lot_view_garbage *garbage;
};

/* FNV-1a, 64 bits: ids are short and chosen by operators, not by attackers. */
static uint64_t hash_of(const char *id)
{
    uint64_t hash = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++)
        hash = (hash ^ *p) * 1099511628211ull;
    return hash;
}

static unsigned index_at(uint64_t hash, int level)
{
    return (unsigned)(hash >> (FANOUT_BITS * level)) & (FANOUT - 1);
}

/* Hand a piece of the previous version to the garbage; without memory it leaks (never dangles). */
static void retire(struct lot_view_draft *draft, void *pointer, enum piece_kind kind)
{
    struct lot_view_garbage *garbage = draft->garbage;

    if (garbage->count == garbage->capacity) {
        size_t capacity = garbage->capacity ? 2 * garbage->capacity : 16;
        struct piece *grown = realloc(garbage->pieces, capacity * sizeof(*grown));
        if (grown == NULL) {
            garbage->incomplete = true;
            return;
        }
        garbage->pieces = grown;
        garbage->capacity = capacity;
    }
    garbage->pieces[garbage->count++] = (struct piece){pointer, kind};
}

int lot_view_draft_begin(struct lot_view *from, struct lot_view_draft **out)
{
    struct lot_view_draft *draft = calloc(1, sizeof(*draft));

    if (draft == NULL)
        return LOT_VIEW_ERROR_NO_MEMORY;
    draft->view = malloc(sizeof(*draft->view));
    draft->garbage = calloc(1, sizeof(*draft->garbage));
    if (draft->view == NULL || draft->garbage == NULL) {
        free(draft->view);
        free(draft->garbage);
        free(draft);
        return LOT_VIEW_ERROR_NO_MEMORY;
    }
    *draft->view = from != NULL ? *from : (struct lot_view){.stale_since_ms = -1, .generation = 0};
    draft->view->generation++;
    draft->from = from;
    *out = draft;
    return 0;
}

/* The node in *slot, made the draft's own: copied when the previous version has it. */
static struct node *own_node(struct lot_view_draft *draft, void **slot)
{
    struct node *node = *slot, *copy;
    uint64_t generation = draft->view->generation;

    if (node != NULL && node->generation == generation)
        return node;
    copy = node != NULL ? malloc(sizeof(*copy)) : calloc(1, sizeof(*copy));
    if (copy == NULL)
        return NULL;
    if (node != NULL) {
        memcpy(copy, node, sizeof(*copy));
        retire(draft, node, PIECE_NODE);
    }
    copy->generation = generation;
    *slot = copy;
    return copy;
}

/* The slot of the bucket for hash, with the path to it made the draft's own; NULL without memory.
 */
static void **own_path(struct lot_view_draft *draft, struct node **root, uint64_t hash)
{
    void **slot = (void **)root;

    for (int level = 0; level < LEVELS; level++) {
        struct node *node = own_node(draft, slot);
        if (node == NULL)
            return NULL;
        slot = &node->children[index_at(hash, level)];
    }
    return slot;
}

/* The bucket in *slot made the draft's own with room for capacity entries. */
static struct bucket *own_bucket(struct lot_view_draft *draft, void **slot, size_t capacity)
{
    struct bucket *bucket = *slot, *copy;
    uint64_t generation = draft->view->generation;
    size_t count = bucket != NULL ? bucket->count : 0;

    if (bucket != NULL && bucket->generation == generation && bucket->capacity >= capacity)
        return bucket;
    if (bucket != NULL && bucket->generation == generation) {
        copy = realloc(bucket, sizeof(*bucket) + capacity * sizeof(bucket->entries[0]));
        if (copy == NULL)
            return NULL;
        copy->capacity = capacity;
        *slot = copy;
        return copy;
    }
    copy = malloc(sizeof(*copy) + capacity * sizeof(copy->entries[0]));
    if (copy == NULL)
        return NULL;
    *copy = (struct bucket){.generation = generation, .count = count, .capacity = capacity};
    if (bucket != NULL) {
        memcpy(copy->entries, bucket->entries, count * sizeof(bucket->entries[0]));
        retire(draft, bucket, PIECE_BUCKET);
    }
    *slot = copy;
    return copy;
}

static const struct bucket *find_bucket(const struct node *root, uint64_t hash)
{
    const struct node *node = root;

    for (int level = 0; level < LEVELS - 1 && node != NULL; level++)
        node = node->children[index_at(hash, level)];
    return node != NULL ? node->children[index_at(hash, LEVELS - 1)] : NULL;
}

static size_t position_in(const struct bucket *bucket, const char *id)
{
    size_t i = 0;
    while (bucket != NULL && i < bucket->count && strcmp(bucket->entries[i]->id, id) != 0)
        i++;
    return i;
}

/* Put entry into the trie at *root; *count counts its entries. */
static int put_in(struct lot_view_draft *draft, struct node **root, size_t *count_of,
                  struct rendered_answer *entry)
{
    uint64_t hash = hash_of(entry->id);
    void **slot = own_path(draft, root, hash);
    const struct bucket *old = slot != NULL ? *slot : NULL;
    size_t at = position_in(old, entry->id), count = old != NULL ? old->count : 0;
    struct bucket *bucket =
        slot != NULL ? own_bucket(draft, slot, at < count ? count : count + 1) : NULL;

    if (bucket == NULL) {
        rendered_answer_drop(entry);
        return LOT_VIEW_ERROR_NO_MEMORY;
    }
    if (at < count) {
        retire(draft, bucket->entries[at], PIECE_ENTRY);
    } else {
        bucket->count++;
        (*count_of)++;
    }
    bucket->entries[at] = entry;
    return 0;
}

static int remove_from(struct lot_view_draft *draft, struct node **root, size_t *count_of,
                       const char *id)
{
    uint64_t hash = hash_of(id);
    const struct bucket *old = find_bucket(*root, hash);
    size_t at = position_in(old, id);
    struct bucket *bucket;
    void **slot;

    if (old == NULL || at == old->count)
        return 0;
    slot = own_path(draft, root, hash);
    bucket = slot != NULL ? own_bucket(draft, slot, old->count) : NULL;
    if (bucket == NULL)
        return LOT_VIEW_ERROR_NO_MEMORY;
    retire(draft, bucket->entries[at], PIECE_ENTRY);
    memmove(&bucket->entries[at], &bucket->entries[at + 1],
            (bucket->count - at - 1) * sizeof(bucket->entries[0]));
    bucket->count--;
    (*count_of)--;
    return 0;
}

int lot_view_draft_put(struct lot_view_draft *draft, struct rendered_answer *entry)
{
    return put_in(draft, &draft->view->root, &draft->view->count, entry);
}

int lot_view_draft_remove(struct lot_view_draft *draft, const char *id)
{
    return remove_from(draft, &draft->view->root, &draft->view->count, id);
}

int lot_view_draft_put_answer(struct lot_view_draft *draft, struct rendered_answer *entry)
{
    return put_in(draft, &draft->view->answers, &draft->view->answers_count, entry);
}

int lot_view_draft_remove_answer(struct lot_view_draft *draft, const char *key)
{
    return remove_from(draft, &draft->view->answers, &draft->view->answers_count, key);
}

void lot_view_draft_drop_answers(struct lot_view_draft *draft)
{
    /* The draft's trie is reached by no later version: all of it goes with the garbage. */
    if (draft->view->answers != NULL)
        retire(draft, draft->view->answers, PIECE_ANSWERS);
    draft->view->answers = NULL;
    draft->view->answers_count = 0;
}

void lot_view_draft_set_stale(struct lot_view_draft *draft, int64_t since_ms)
{
    draft->view->stale_since_ms = since_ms;
}

void lot_view_draft_set_layout(struct lot_view_draft *draft, uint64_t layout)
{
    draft->view->layout = layout;
}

void lot_view_draft_set_index(struct lot_view_draft *draft, struct lot_index *index)
{
    if (draft->view->index != NULL && draft->view->index != index)
        retire(draft, draft->view->index, PIECE_INDEX);
    draft->view->index = index;
}

const struct lot_index *lot_view_index(const struct lot_view *view)
{
    return view->index;
}

uint64_t lot_view_generation(const struct lot_view *view)
{
    return view->generation;
}

uint64_t lot_view_layout(const struct lot_view *view)
{
    return view->layout;
}

const struct lot_view *lot_view_draft_view(const struct lot_view_draft *draft)
{
    return draft->view;
}

struct lot_view *lot_view_draft_finish(struct lot_view_draft *draft,
                                       struct lot_view_garbage **garbage)
{
    struct lot_view *view = draft->view;

    if (draft->from != NULL)
        retire(draft, draft->from, PIECE_VIEW);
    *garbage = draft->garbage;
    free(draft);
    return view;
}

void lot_view_garbage_free(struct lot_view_garbage *garbage)
{
    if (garbage == NULL)
        return;
    for (size_t i = 0; i < garbage->count; i++) {
        if (garbage->pieces[i].kind == PIECE_ENTRY)
            rendered_answer_drop(garbage->pieces[i].pointer);
        else if (garbage->pieces[i].kind == PIECE_ANSWERS)
            walk(garbage->pieces[i].pointer, 0, true, NULL, NULL);
        else if (garbage->pieces[i].kind == PIECE_INDEX)
            lot_index_free(garbage->pieces[i].pointer);
        else
            free(garbage->pieces[i].pointer);
    }
    free(garbage->pieces);
    free(garbage);
}

size_t lot_view_garbage_size(const struct lot_view_garbage *garbage)
{
    return garbage != NULL ? garbage->count : 0;
}

static const struct rendered_answer *find_in(const struct node *root, const char *id)
{
    const struct bucket *bucket = find_bucket(root, hash_of(id));
    size_t at = position_in(bucket, id);

    return bucket != NULL && at < bucket->count ? bucket->entries[at] : NULL;
}

const struct rendered_answer *lot_view_find(const struct lot_view *view, const char *id)
{
    return view != NULL ? find_in(view->root, id) : NULL;
}

const struct rendered_answer *lot_view_find_answer(const struct lot_view *view, const char *key)
{
    return view != NULL ? find_in(view->answers, key) : NULL;
}

size_t lot_view_answer_count(const struct lot_view *view)
{
    return view != NULL ? view->answers_count : 0;
}

size_t lot_view_count(const struct lot_view *view)
{
    return view != NULL ? view->count : 0;
}

int64_t lot_view_stale_since(const struct lot_view *view)
{
    return view != NULL ? view->stale_since_ms : -1;
}

/* Visit (and with release, free) everything under node at level. */
static void walk(void *pointer, int level, bool release,
                 void (*visit)(const struct rendered_answer *, void *), void *data)
{
    if (pointer == NULL)
        return;
    if (level == LEVELS) {
        struct bucket *bucket = pointer;
        for (size_t i = 0; i < bucket->count; i++) {
            if (visit != NULL)
                visit(bucket->entries[i], data);
            if (release)
                rendered_answer_drop(bucket->entries[i]);
        }
    } else {
        struct node *node = pointer;
        for (unsigned i = 0; i < FANOUT; i++)
            walk(node->children[i], level + 1, release, visit, data);
    }
    if (release)
        free(pointer);
}

void lot_view_each(const struct lot_view *view,
                   void (*visit)(const struct rendered_answer *entry, void *data), void *data)
{
    if (view != NULL)
        walk(view->root, 0, false, visit, data);
}

void lot_view_free(struct lot_view *view)
{
    if (view == NULL)
        return;
    walk(view->root, 0, true, NULL, NULL);
    walk(view->answers, 0, true, NULL, NULL);
    lot_index_free(view->index);
    free(view);
}
