/* map_tiles.c: a tile URL template checked, and the origin a page's CSP must allow for it; pure. */
#include "map_tiles.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char map_tiles_rule[] = "must be an http:// or https:// URL template with {z}, {x} and {y}, "
                              "such as https://tile.example.org/{z}/{x}/{y}.png";

/* Host and port characters: letters, digits, '-', '.', ':' and brackets (IPv6). */
static bool is_host_character(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == ':' || c == '[' || c == ']';
}

int map_tiles_origin(const char *template, char *out, size_t out_size)
{
    const char *scheme_end, *host, *host_end;
    bool subdomains;
    int written;

    if (out_size > 0)
        out[0] = '\0';
    if (template == NULL)
        return MAP_TILES_ERROR_INVALID;
    if (strncmp(template, "https://", 8) == 0)
        scheme_end = template + 8;
    else if (strncmp(template, "http://", 7) == 0)
        scheme_end = template + 7;
    else
        return MAP_TILES_ERROR_INVALID;
    if (strstr(template, "{z}") == NULL || strstr(template, "{x}") == NULL ||
        strstr(template, "{y}") == NULL)
        return MAP_TILES_ERROR_INVALID;
    /* Leaflet's {s} picks one of several hosts: the CSP allows them all. */
    subdomains = strncmp(scheme_end, "{s}.", 4) == 0;
    host = subdomains ? scheme_end + 4 : scheme_end;
    for (host_end = host; is_host_character(*host_end); host_end++)
        continue;
    if (host_end == host || (*host_end != '/' && *host_end != '\0') || host[0] == '.' ||
        host[0] == ':')
        return MAP_TILES_ERROR_INVALID;
    written = snprintf(out, out_size, "%.*s%s%.*s", (int)(scheme_end - template), template,
                       subdomains ? "*." : "", (int)(host_end - host), host);
    if (written < 0 || (size_t)written >= out_size) {
        if (out_size > 0)
            out[0] = '\0';
        return MAP_TILES_ERROR_TOO_LONG;
    }
    return 0;
}
