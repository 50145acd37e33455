/* api_web.c: the pages for people: drivers (/), kiosk signs (/board), attendants (/attendant). */
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

/* What each file is: where it is served and as what. */
struct page_kind {
    const char *path; /* the URL path */
    const char *file; /* under web_root */
    const char *content_type;
    const char *policy; /* Content-Security-Policy, or NULL for what is not a document */
};

/* The driver page and the board carry their script inline. */
#define POLICY_INLINE                                                                              \
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "                                      \
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:"
/* The attendant's page holds a token: no inline script may run beside it. */
#define POLICY_ATTENDANT                                                                           \
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "                 \
    "manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'"

static const struct page_kind page_kinds[WEB_PAGE_COUNT] = {
    [WEB_PAGE_DRIVER] = {"/", "index.html", "text/html; charset=utf-8", POLICY_INLINE},
    [WEB_PAGE_BOARD] = {"/board", "board.html", "text/html; charset=utf-8", POLICY_INLINE},
    [WEB_PAGE_ATTENDANT] = {"/attendant", "attendant.html", "text/html; charset=utf-8",
                            POLICY_ATTENDANT},
    [WEB_PAGE_ATTENDANT_SCRIPT] = {"/attendant.js", "attendant.js",
                                   "text/javascript; charset=utf-8", NULL},
    [WEB_PAGE_ATTENDANT_WORKER] = {"/attendant-sw.js", "attendant-sw.js",
                                   "text/javascript; charset=utf-8", NULL},
    [WEB_PAGE_ATTENDANT_MANIFEST] = {"/attendant.webmanifest", "attendant.webmanifest",
                                     "application/manifest+json", NULL},
};

struct page {
    const struct page_kind *kind;
    char *body;
    size_t length;
    char etag[24];
    struct gzip_copy gzip; /* compressed once, when the page is read */
};

struct api_web {
    struct page pages[WEB_PAGE_COUNT];
};

static int read_page(const char *web_root, struct page *page, char *error, size_t error_size)
{
    char path[PATH_MAX];
    FILE *file;

    snprintf(path, sizeof(path), "%s/%s", web_root, page->kind->file);
    file = fopen(path, "re");
    if (file == NULL) {
        if (errno == ENOENT) {
            log_warning("web", "%s is missing: %s answers 404 (check web_root)", path,
                        page->kind->path);
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
                           page->kind->path);
        return;
    }
    /* A page may only talk to this daemon: a guard against injected content. */
    if (page->kind->policy != NULL)
        http_exchange_add_header(exchange, "Content-Security-Policy", page->kind->policy);
    http_reply_encoded(exchange, page->kind->content_type, page->body, page->length, page->etag,
                       &page->gzip, HTTP_REPLY_PUBLIC);
}

static void answer(struct http_exchange *exchange, void *data, enum web_page which)
{
    answer_page(exchange, &((struct endpoint_context *)data)->web->pages[which]);
}

void api_web_driver_page(struct http_exchange *exchange, const struct store_token *token,
                         void *data)
{
    answer(exchange, data, WEB_PAGE_DRIVER);
}

void api_web_board_page(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    answer(exchange, data, WEB_PAGE_BOARD);
}

void api_web_attendant_page(struct http_exchange *exchange, const struct store_token *token,
                            void *data)
{
    answer(exchange, data, WEB_PAGE_ATTENDANT);
}

void api_web_attendant_script(struct http_exchange *exchange, const struct store_token *token,
                              void *data)
{
    answer(exchange, data, WEB_PAGE_ATTENDANT_SCRIPT);
}

void api_web_attendant_worker(struct http_exchange *exchange, const struct store_token *token,
                              void *data)
{
    answer(exchange, data, WEB_PAGE_ATTENDANT_WORKER);
}

void api_web_attendant_manifest(struct http_exchange *exchange, const struct store_token *token,
                                void *data)
{
    answer(exchange, data, WEB_PAGE_ATTENDANT_MANIFEST);
}

int api_web_new(const char *web_root, struct api_web **out, char *error, size_t error_size)
{
    struct api_web *web = calloc(1, sizeof(*web));

    if (web == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++)
        web->pages[i].kind = &page_kinds[i];
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++) {
        if (read_page(web_root, &web->pages[i], error, error_size) != 0)
            goto free_web;
    }
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
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++)
        take_page(&web->pages[i], &fresh->pages[i]);
    api_web_free(fresh);
    return 0;
}

size_t api_web_page_count(const struct api_web *web)
{
    size_t count = 0;

    /* Pages are the documents; a page's script, worker and manifest are its parts. */
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++)
        count += web->pages[i].body != NULL && web->pages[i].kind->policy != NULL;
    return count;
}

void api_web_free(struct api_web *web)
{
    if (web == NULL)
        return;
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++) {
        free(web->pages[i].body);
        gzip_copy_clear(&web->pages[i].gzip);
    }
    free(web);
}
