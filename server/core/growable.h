/* growable.h: room in a growable array, made by doubling; pure. */
#ifndef PARKSHARE_GROWABLE_H
#define PARKSHARE_GROWABLE_H

#include <stddef.h>

/* The capacity a first reservation gives at least. */
#define GROWABLE_MINIMUM 8

/*
 * Make *items (an array of *capacity elements of item_size bytes, or NULL
 * with capacity 0) hold at least needed elements: the capacity doubles
 * from GROWABLE_MINIMUM until it does, and the array is reallocated. The
 * elements kept are unchanged; the new ones are uninitialised. Returns 0,
 * or -1 when the size overflows or memory runs out, with *items and
 * *capacity unchanged (the array still owned by the caller).
 */
int growable_reserve(void **items, size_t *capacity, size_t needed, size_t item_size);

#endif
