/* api_web.c: the pages for people: GET / (drivers) and GET /board (kiosk signs) from web_root. */
#include "api_web.h"

#include "endpoint.h"
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
    struct gzip_copy gzip; /* compressed once, when the page is read */
};

struct api_web {
    struct page driver;
    struct page board;
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
    /* A read error (a directory by the page's name, EIO) is not an empty page. */
    if (ferror(file)) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        fclose(file);
        return -1;
    }
    fclose(file);
    if (page->length == PAGE_MAX_BYTES) {
        snprintf(error, error_size, "%s is larger than %d bytes", path, PAGE_MAX_BYTES);
        return -1;
    }
    etag_of(page->body, page->length, page->etag, sizeof(page->etag));
    /* Without memory for the copy the page still goes out as it is. */
    gzip_copy_update(&page->gzip, page->body, page->length, page->etag);
    return 0;
}

static void answer_page(struct http_exchange *exchange, const struct page *page)
{
    if (page->body == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "this daemon has no page at %s",
                           page->path);
        return;
    }
    /* The page may only talk to this daemon: a guard against injected content. */
    http_exchange_add_header(exchange, "Content-Security-Policy",
                             "default-src 'self'; script-src 'self' 'unsafe-inline'; "
                             "style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    http_reply_encoded(exchange, "text/html; charset=utf-8", page->body, page->length, page->etag,
                       &page->gzip, HTTP_REPLY_PUBLIC);
}

void api_web_driver_page(struct http_exchange *exchange, const struct store_token *token,
                         void *data)
{
    answer_page(exchange, &((struct endpoint_context *)data)->web->driver);
}

void api_web_board_page(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    answer_page(exchange, &((struct endpoint_context *)data)->web->board);
}

int api_web_new(const char *web_root, struct api_web **out, char *error, size_t error_size)
{
    struct api_web *web = calloc(1, sizeof(*web));

    if (web == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    web->driver = (struct page){"/", "index.html", NULL, 0, "", {NULL, 0, ""}};
    web->board = (struct page){"/board", "board.html", NULL, 0, "", {NULL, 0, ""}};
    if (read_page(web_root, &web->driver, error, error_size) != 0 ||
        read_page(web_root, &web->board, error, error_size) != 0)
        goto free_web;
    *out = web;
    return 0;

free_web:
    api_web_free(web);
    return -1;
}

/* Hand a page's bytes over from the freshly read set, freeing the old ones. */
static void take_page(struct page *page, struct page *fresh)
{
    free(page->body);
    gzip_copy_clear(&page->gzip);
    *page = *fresh;
    fresh->body = NULL;
    fresh->gzip = (struct gzip_copy){NULL, 0, ""};
}

int api_web_reload(struct api_web *web, const char *web_root, char *error, size_t error_size)
{
    struct api_web *fresh = NULL;

    /* All or nothing: a half-read set would mix two versions of the site. */
    if (api_web_new(web_root, &fresh, error, error_size) != 0)
        return -1;
    take_page(&web->driver, &fresh->driver);
    take_page(&web->board, &fresh->board);
    api_web_free(fresh);
    return 0;
}

size_t api_web_page_count(const struct api_web *web)
{
    return (web->driver.body != NULL) + (web->board.body != NULL);
}

void api_web_free(struct api_web *web)
{
    if (web == NULL)
        return;
    free(web->driver.body);
    free(web->board.body);
    gzip_copy_clear(&web->driver.gzip);
    gzip_copy_clear(&web->board.gzip);
    free(web);
}
