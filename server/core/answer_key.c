/* answer_key.c: the keys under which reads' answers are published to the workers. */
#include "answer_key.h"

#include <stdio.h>
#include <string.h>

/* Append one field ("|-" absent, "|<length>:<bytes>" given); false when it does not fit. */
static bool append_field(char *out, size_t size, size_t *used, const char *value)
{
    int written = value == NULL
                      ? snprintf(out + *used, size - *used, "|-")
                      : snprintf(out + *used, size - *used, "|%zu:%s", strlen(value), value);
    if (written < 0 || (size_t)written >= size - *used)
        return false;
    *used += (size_t)written;
    return true;
}

size_t answer_key_totals(enum answer_key_format format, const char *city, const char *group,
                         const char *kind, const char *space, char *out, size_t size)
{
    const char *fields[] = {city, group, kind, space};
    size_t used;
    int written = snprintf(out, size, "totals.%c", (char)format);

    if (written < 0 || (size_t)written >= size)
        return 0;
    used = (size_t)written;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (!append_field(out, size, &used, fields[i]))
            return 0;
    return used;
}
