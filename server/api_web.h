/* api_web.h: the pages for people: GET / (drivers) and GET /board (kiosk signs) from web_root. */
#ifndef PARKSHARE_API_WEB_H
#define PARKSHARE_API_WEB_H

#include "http.h"

#include <stddef.h>

struct api_web;

/*
 * Read the pages from web_root (blocking: call before the loop runs) and
 * route them. A missing page is logged and answered 404; other read errors
 * return -1 with the reason in error. *web is freed with api_web_free after
 * the server.
 */
int api_web_register(struct http_server *server, const char *web_root, struct api_web **web,
                     char *error, size_t error_size);

/* Free; accepts NULL. */
void api_web_free(struct api_web *web);

#endif
