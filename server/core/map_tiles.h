/* map_tiles.h: a tile URL template checked, and the origin a page's CSP must allow for it; pure. */
#ifndef PARKSHARE_MAP_TILES_H
#define PARKSHARE_MAP_TILES_H

#include <stddef.h>

enum map_tiles_error {
    MAP_TILES_ERROR_INVALID = -1,  /* not an http(s) template with {z}, {x} and {y} */
    MAP_TILES_ERROR_TOO_LONG = -2, /* the origin does not fit out */
};

/* What a refusal of map_tiles says: the rule the template breaks. */
extern const char map_tiles_rule[];

/*
 * Check template (e.g. "https://{s}.tile.example.org/{z}/{x}/{y}.png", the
 * parts after the host being whatever the tile server wants) and
 * write to out the CSP source that allows its images: the scheme and host
 * (and port), with a leading "{s}." subdomain turned into the wildcard
 * "*." of any subdomain (CSP's own syntax). Returns 0, or a negative enum
 * map_tiles_error with out empty.
 */
int map_tiles_origin(const char *template, char *out, size_t out_size);

#endif
