/* fuzz-osm-hours.c: the OSM opening_hours subset parser and evaluator. */
#include "osm_hours.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1);
    struct osm_hours hours;
    char error[256];

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (osm_hours_parse(text, &hours, error, sizeof(error)) == 0) {
        struct time_window *windows = NULL;
        size_t count = 0;
        /* A week around 2012-10-01 local time. */
        if (osm_hours_windows(&hours, NULL, 22484160, 22484160 + 7 * 1440, &windows, &count) == 0) {
            for (size_t i = 0; i < count; i++) {
                if (windows[i].end <= windows[i].start ||
                    (i > 0 && windows[i].start <= windows[i - 1].end))
                    abort(); /* windows are non-empty, ordered and merged */
            }
            free(windows);
        }
    }
    free(text);
    return 0;
}
