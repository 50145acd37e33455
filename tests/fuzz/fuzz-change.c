/* fuzz-change.c: the change channel's message parser. */
#include "change.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    struct change change;

    if (change_parse((const char *)data, size, &change) != 0)
        return 0;
    /* What the snapshot relies on: an id that fits and is never empty. */
    if (change.id[0] == '\0' || strlen(change.id) > WIRE_ID_MAX)
        abort();
    change_deinit(&change);
    return 0;
}
