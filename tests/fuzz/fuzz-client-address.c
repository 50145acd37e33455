/* fuzz-client-address.c: hostile trusted_proxies values and X-Forwarded-For lines. */
#include "client_address.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_LINES 100

/*
 * The input's first line is a trusted_proxies value and the next one the
 * peer; every further line is one X-Forwarded-For header line.
 */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = malloc(size + 1), *cursor, *list_text, *peer;
    const char *lines[MAX_LINES];
    struct client_address_list *list = NULL;
    char error[128], out[CLIENT_ADDRESS_SIZE], key[CLIENT_ADDRESS_SIZE];
    size_t count = 0;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cursor = text;
    list_text = strsep(&cursor, "\n");
    peer = cursor ? strsep(&cursor, "\n") : "127.0.0.1";
    while (cursor != NULL && count < MAX_LINES)
        lines[count++] = strsep(&cursor, "\n");
    if (client_address_list_parse(list_text, &list, error, sizeof(error)) == 0) {
        client_address_resolve(list, peer, lines, count, out);
        if (memchr(out, '\0', sizeof(out)) == NULL)
            abort();
        /* What resolve makes of a well-formed peer is always an address. */
        if (client_address_limit_key(peer, key) == 0 && client_address_limit_key(out, key) != 0)
            abort();
        client_address_list_free(list);
    } else if (list != NULL || error[0] == '\0') {
        abort();
    }
    free(text);
    return 0;
}
