/* api_web.h: the pages for people from web_root, and Leaflet's files from leaflet_dir. */
#ifndef PARKSHARE_API_WEB_H
#define PARKSHARE_API_WEB_H

#include "config.h"
#include "endpoint.h"
#include "http.h"

#include <stdbool.h>
#include <stddef.h>

struct api_web;

/* The files served from web_root, each at its own path. */
enum web_page {
    WEB_PAGE_DRIVER,             /* / : index.html */
    WEB_PAGE_DRIVER_SCRIPT,      /* /driver.js */
    WEB_PAGE_DRIVER_STYLE,       /* /driver.css */
    WEB_PAGE_BOARD,              /* /board : board.html */
    WEB_PAGE_ATTENDANT,          /* /attendant : attendant.html */
    WEB_PAGE_ATTENDANT_SCRIPT,   /* /attendant.js */
    WEB_PAGE_ATTENDANT_WORKER,   /* /attendant-sw.js: its scope is / , which covers /attendant */
    WEB_PAGE_ATTENDANT_MANIFEST, /* /attendant.webmanifest */
    WEB_PAGE_COUNT,
};

/*
 * Read the pages from config->web_root and Leaflet's files from
 * config->leaflet_dir (blocking: call before the loop runs), and take the
 * map's settings (map_tiles, map_attribution). A missing page or Leaflet
 * file is logged and answered 404 (the driver page then works without its
 * map); other read errors, and a map_tiles that is no tile URL template,
 * return -1 with the reason in error. *web is freed with api_web_free after
 * the server.
 */
int api_web_new(const struct config *config, struct api_web **web, char *error, size_t error_size);

/*
 * Read the pages and Leaflet's files again (SIGHUP), blocking: the new ones
 * are served from the next request on. When a file cannot be read (other
 * than missing, which is logged and answered 404 as at start) every file
 * from before is kept and -1 returned with the reason in error.
 */
int api_web_reload(struct api_web *web, const struct config *config, char *error,
                   size_t error_size);

/* How many HTML pages are served (0 to 3; their scripts, style sheet and manifest are not
 * counted): a missing one is not. */
size_t api_web_page_count(const struct api_web *web);

/* Whether Leaflet's script and style sheet were read, so the driver page can show a map. */
bool api_web_has_map(const struct api_web *web);

/* The tile URL template (map_tiles), or NULL when none is configured; borrowed. */
const char *api_web_map_tiles(const struct api_web *web);

/* The tiles' attribution text (map_attribution), or NULL; borrowed. */
const char *api_web_map_attribution(const struct api_web *web);

/* GET /: the driver page (index.html); its script and style sheet at /driver.js and
 * /driver.css. */
endpoint_handler api_web_driver_page;
endpoint_handler api_web_driver_script;
endpoint_handler api_web_driver_style;

/* GET /board: the kiosk board (board.html). */
endpoint_handler api_web_board_page;

/* GET /attendant: the attendant's counting page (attendant.html); its script, service worker
 * and web app manifest at /attendant.js, /attendant-sw.js and /attendant.webmanifest. */
endpoint_handler api_web_attendant_page;
endpoint_handler api_web_attendant_script;
endpoint_handler api_web_attendant_worker;
endpoint_handler api_web_attendant_manifest;

/* GET /assets/leaflet/{file}: leaflet.js or leaflet.css, 404 for anything else. */
endpoint_handler api_web_leaflet;

/* GET /assets/leaflet/images/{file}: Leaflet's images (layers, marker icons). */
endpoint_handler api_web_leaflet_image;

/* Free; accepts NULL. */
void api_web_free(struct api_web *web);

#endif
