/* sign_in_link.c: an attendant's sign-in link (<url>/attendant#token=…) and its terminal QR code.
 */
#include "sign_in_link.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

/* The quiet zone the QR standard asks for around the symbol, in modules. */
#define QUIET_ZONE 4

char *sign_in_link_new(const char *base_url, const char *token)
{
    static const char path[] = "/attendant#token=";
    size_t base_length = strlen(base_url);
    char *link;

    while (base_length > 0 && base_url[base_length - 1] == '/')
        base_length--;
    link = malloc(base_length + sizeof(path) + strlen(token));
    if (link == NULL)
        return NULL;
    memcpy(link, base_url, base_length);
    strcpy(link + base_length, path);
    strcat(link, token);
    return link;
}

/* Whether the module at (x, y) is light, counting the quiet zone around the symbol. */
static bool is_light(const QRcode *code, int x, int y)
{
    int width = code->width;

    x -= QUIET_ZONE;
    y -= QUIET_ZONE;
    if (x < 0 || y < 0 || x >= width || y >= width)
        return true;
    /* Bit 0 of each module is dark (1) or light (0). */
    return (code->data[y * width + x] & 1) == 0;
}

static void print_rows(FILE *out, const QRcode *code, bool colors)
{
    int size = code->width + 2 * QUIET_ZONE;

    for (int y = 0; y < size; y += 2) {
        if (colors)
            fputs("\033[97;40m", out);
        for (int x = 0; x < size; x++) {
            bool top = is_light(code, x, y);
            bool bottom = y + 1 < size ? is_light(code, x, y + 1) : false;
            fputs(top ? (bottom ? "\u2588" : "\u2580") : (bottom ? "\u2584" : " "), out);
        }
        fputs(colors ? "\033[0m\n" : "\n", out);
    }
}

int sign_in_link_print_qr(FILE *out, const char *link, bool colors)
{
    QRcode *code = QRcode_encodeString8bit(link, 0, QR_ECLEVEL_M);

    if (code == NULL)
        return errno == ERANGE ? SIGN_IN_LINK_TOO_LONG : SIGN_IN_LINK_NO_MEMORY;
    print_rows(out, code, colors);
    QRcode_free(code);
    return SIGN_IN_LINK_OK;
}
