/* growable.c: room in a growable array, made by doubling; pure. */
#include "growable.h"

#include <stdint.h>
#include <stdlib.h>

int growable_reserve(void **items, size_t *capacity, size_t needed, size_t item_size)
{
    size_t grown = *capacity > 0 ? *capacity : GROWABLE_MINIMUM;
    void *moved;

    if (needed <= *capacity)
        return 0;
    while (grown < needed) {
        if (grown > SIZE_MAX / 2)
            return -1;
        grown *= 2;
    }
    if (item_size == 0 || grown > SIZE_MAX / item_size)
        return -1;
    moved = realloc(*items, grown * item_size);
    if (moved == NULL)
        return -1;
    *items = moved;
    *capacity = grown;
    return 0;
}
