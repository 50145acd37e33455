/* api_web.h: the pages for people: drivers (/), kiosk signs (/board), attendants (/attendant). */
#ifndef PARKSHARE_API_WEB_H
#define PARKSHARE_API_WEB_H

#include "endpoint.h"
#include "http.h"

#include <stddef.h>

struct api_web;

/* The files served from web_root, each at its own path. */
enum web_page {
    WEB_PAGE_DRIVER,             /* / : index.html */
    WEB_PAGE_BOARD,              /* /board : board.html */
    WEB_PAGE_ATTENDANT,          /* /attendant : attendant.html */
    WEB_PAGE_ATTENDANT_SCRIPT,   /* /attendant.js */
    WEB_PAGE_ATTENDANT_WORKER,   /* /attendant-sw.js: its scope is / , which covers /attendant */
    WEB_PAGE_ATTENDANT_MANIFEST, /* /attendant.webmanifest */
    WEB_PAGE_COUNT,
};

/*
 * Read the pages from web_root (blocking: call before the loop runs). A
 * missing page is logged and answered 404; other read errors return -1
 * with the reason in error. *web is freed with api_web_free after the
 * server.
 */
int api_web_new(const char *web_root, struct api_web **web, char *error, size_t error_size);

/*
 * Read the pages from web_root again (SIGHUP), blocking: the new pages are
 * served from the next request on. When a page cannot be read (other than
 * missing, which is logged and answered 404 as at start) every page from
 * before is kept and -1 returned with the reason in error.
 */
int api_web_reload(struct api_web *web, const char *web_root, char *error, size_t error_size);

/* How many HTML pages are served (0 to 3; their scripts and manifest are not counted): a
 * missing one is not. */
size_t api_web_page_count(const struct api_web *web);

/* GET /: the driver page (index.html). */
endpoint_handler api_web_driver_page;

/* GET /board: the kiosk board (board.html). */
endpoint_handler api_web_board_page;

/* GET /attendant: the attendant's counting page (attendant.html); its script, service worker
 * and web app manifest at /attendant.js, /attendant-sw.js and /attendant.webmanifest. */
endpoint_handler api_web_attendant_page;
endpoint_handler api_web_attendant_script;
endpoint_handler api_web_attendant_worker;
endpoint_handler api_web_attendant_manifest;

/* Free; accepts NULL. */
void api_web_free(struct api_web *web);

#endif
