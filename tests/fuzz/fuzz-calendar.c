/* fuzz-calendar.c: calendar imports (native form and holiday-cn year files). */
#include "calendar.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *document = json_loadb((const char *)data, size, 0, NULL);
    struct calendar *calendar = NULL;
    char error[256];

    if (document == NULL)
        return 0;
    if (calendar_from_json(document, &calendar, error, sizeof(error)) != 0)
        calendar = calendar_new("Asia/Shanghai");
    if (calendar != NULL) {
        size_t before = calendar->count;
        json_t *exported;
        if (calendar_import_year(calendar, document, error, sizeof(error)) != 0 &&
            calendar->count != before)
            abort(); /* a refused import changes nothing */
        for (size_t i = 1; i < calendar->count; i++) {
            if (calendar->entries[i].day <= calendar->entries[i - 1].day)
                abort(); /* entries stay sorted and unique */
        }
        exported = calendar_to_json(calendar, 0);
        json_decref(exported);
    }
    calendar_free(calendar);
    json_decref(document);
    return 0;
}
