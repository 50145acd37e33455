/* fuzz-lot.c: lot validation and the canonical JSON round trip. */
#include "lot.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, 0, NULL);
    struct field_errors errors = {0};
    struct lot *lot = NULL, *again = NULL;

    if (body != NULL && lot_from_json("fuzz-lot", body, &lot, &errors) == 0) {
        json_t *canonical = lot_static_to_json(lot);
        struct field_errors second = {0};
        /* What was accepted once must be accepted again from its canonical form. */
        if (canonical == NULL || lot_from_json("fuzz-lot", canonical, &again, &second) != 0)
            abort();
        json_decref(canonical);
    }
    lot_free(lot);
    lot_free(again);
    json_decref(body);
    return 0;
}
