/* api_web.c: the pages for people: GET / (drivers) and GET /board (kiosk signs) from web_root. */
#include "api_web.h"

#include "etag.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A page is small and self-contained: no asset comes from anywhere else. */
#define PAGE_MAX_BYTES (256 * 1024)

struct page {
    const char *path; /* the URL path */
    const char *file; /* under web_root */
    char *body;
    size_t length;
    char etag[24];
};

struct api_web {
    struct page pages[2];
};

static int read_page(const char *web_root, struct page *page, char *error, size_t error_size)
{
    char path[PATH_MAX];
    FILE *file;

    snprintf(path, sizeof(path), "%s/%s", web_root, page->file);
    file = fopen(path, "re");
    if (file == NULL) {
        if (errno == ENOENT) {
            log_warning("web", "%s is missing: %s answers 404 (check web_root)", path, page->path);
            return 0;
        }
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    page->body = malloc(PAGE_MAX_BYTES);
    if (page->body == NULL) {
        fclose(file);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    page->length = fread(page->body, 1, PAGE_MAX_BYTES, file);
    fclose(file);
    if (page->length == PAGE_MAX_BYTES) {
        snprintf(error, error_size, "%s is larger than %d bytes", path, PAGE_MAX_BYTES);
        return -1;
    }
    etag_of(page->body, page->length, page->etag, sizeof(page->etag));
    return 0;
}

static void handle_page(struct http_exchange *exchange, void *data)
{
    const struct page *page = data;
    if (page->body == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "this daemon has no page at %s",
                           page->path);
        return;
    }
    /* The page may only talk to this daemon: a guard against injected content. */
    http_exchange_add_header(exchange, "Content-Security-Policy",
                             "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                             "style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    http_reply(exchange, 200, "text/html; charset=utf-8", page->body, page->length, page->etag,
               HTTP_REPLY_PUBLIC);
}

int api_web_register(struct http_server *server, const char *web_root, struct api_web **out,
                     char *error, size_t error_size)
{
    struct api_web *web = calloc(1, sizeof(*web));

    if (web == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    web->pages[0] = (struct page){"/", "index.html", NULL, 0, ""};
    web->pages[1] = (struct page){"/board", "board.html", NULL, 0, ""};
    for (size_t i = 0; i < sizeof(web->pages) / sizeof(web->pages[0]); i++) {
        if (read_page(web_root, &web->pages[i], error, error_size) != 0 ||
            http_server_route(server, HTTP_GET, web->pages[i].path, handle_page, &web->pages[i]) !=
                0)
            goto free_web;
    }
    *out = web;
    return 0;

free_web:
    api_web_free(web);
    return -1;
}

void api_web_free(struct api_web *web)
{
    if (web == NULL)
        return;
    for (size_t i = 0; i < sizeof(web->pages) / sizeof(web->pages[0]); i++)
        free(web->pages[i].body);
    free(web);
}
