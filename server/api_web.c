/* api_web.c: the pages for people (GET /, GET /board) from web_root, and Leaflet's files from
 * leaflet_dir. */
#include "api_web.h"

#include "endpoint.h"
#include "etag.h"
#include "log.h"
#include "map_tiles.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A page is small and self-contained: no asset comes from anywhere else. */
#define PAGE_MAX_BYTES (256 * 1024)
/* Leaflet's script is the largest asset (431 KB unminified in Debian 12). */
#define ASSET_MAX_BYTES (1024 * 1024)
#define CSP_MAX_BYTES   512

struct page {
    const char *path;         /* the URL path */
    const char *file;         /* under its directory */
    const char *fallback;     /* another file to read when file is missing, or NULL */
    const char *content_type; /* NULL: a page (text/html, with the CSP) */
    size_t max_bytes;
    char *body;
    size_t length;
    char etag[24];
    struct gzip_copy gzip; /* compressed once, when the file is read */
};

/* Leaflet's files, by their name under /assets/leaflet/ (images/ under /assets/leaflet/images/). */
enum asset {
    ASSET_SCRIPT,
    ASSET_STYLE,
    ASSET_LAYERS,
    ASSET_LAYERS_2X,
    ASSET_MARKER,
    ASSET_MARKER_2X,
    ASSET_MARKER_SHADOW,
    ASSET_COUNT,
};

struct api_web {
    struct page driver;
    struct page board;
    struct page script; /* the driver page's driver.js and driver.css */
    struct page style;
    struct page assets[ASSET_COUNT];
    char *map_tiles;       /* NULL: no tiles, a plain background */
    char *map_attribution; /* NULL: none */
    char csp[CSP_MAX_BYTES];
};

static struct page page_of(const char *path, const char *file, const char *fallback,
                           const char *content_type, size_t max_bytes)
{
    return (struct page){.path = path,
                         .file = file,
                         .fallback = fallback,
                         .content_type = content_type,
                         .max_bytes = max_bytes};
}

static void set_up_pages(struct api_web *web)
{
    static const char js[] = "text/javascript; charset=utf-8", png[] = "image/png";
    static const char *const images[] = {
        [ASSET_LAYERS] = "images/layers.png",
        [ASSET_LAYERS_2X] = "images/layers-2x.png",
        [ASSET_MARKER] = "images/marker-icon.png",
        [ASSET_MARKER_2X] = "images/marker-icon-2x.png",
        [ASSET_MARKER_SHADOW] = "images/marker-shadow.png",
    };

    web->driver = page_of("/", "index.html", NULL, NULL, PAGE_MAX_BYTES);
    web->board = page_of("/board", "board.html", NULL, NULL, PAGE_MAX_BYTES);
    web->script = page_of("/driver.js", "driver.js", NULL, js, PAGE_MAX_BYTES);
    web->style =
        page_of("/driver.css", "driver.css", NULL, "text/css; charset=utf-8", PAGE_MAX_BYTES);
    /* Debian ships the minified script beside the full one: the smaller goes out. */
    web->assets[ASSET_SCRIPT] =
        page_of("leaflet.js", "leaflet.min.js", "leaflet.js", js, ASSET_MAX_BYTES);
    web->assets[ASSET_STYLE] =
        page_of("leaflet.css", "leaflet.css", NULL, "text/css; charset=utf-8", ASSET_MAX_BYTES);
    for (size_t i = ASSET_LAYERS; i < ASSET_COUNT; i++)
        web->assets[i] = page_of(images[i], images[i], NULL, png, ASSET_MAX_BYTES);
}

/* Open page's file (or its fallback) under directory; NULL with errno set. */
static FILE *open_page(const char *directory, const struct page *page, char *path, size_t path_size)
{
    FILE *file;

    snprintf(path, path_size, "%s/%s", directory, page->file);
    file = fopen(path, "re");
    if (file == NULL && errno == ENOENT && page->fallback != NULL) {
        snprintf(path, path_size, "%s/%s", directory, page->fallback);
        file = fopen(path, "re");
    }
    return file;
}

/* Read a file into page; a missing one is logged by the caller and left empty. */
static int read_page(const char *key, const char *directory, struct page *page, bool *missing,
                     char *error, size_t error_size)
{
    char path[PATH_MAX];
    FILE *file = open_page(directory, page, path, sizeof(path));

    *missing = false;
    if (file == NULL) {
        *missing = errno == ENOENT || errno == ENOTDIR;
        if (*missing)
            return 0;
        snprintf(error, error_size, "%s: %s: %s", key, path, strerror(errno));
        return -1;
    }
    page->body = malloc(page->max_bytes);
    if (page->body == NULL) {
        fclose(file);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    page->length = fread(page->body, 1, page->max_bytes, file);
    /* A read error (a directory by the page's name, EIO) is not an empty page. */
    if (ferror(file)) {
        snprintf(error, error_size, "%s: %s: %s", key, path, strerror(errno));
        fclose(file);
        return -1;
    }
    fclose(file);
    if (page->length == page->max_bytes) {
        snprintf(error, error_size, "%s: %s is larger than %zu bytes", key, path, page->max_bytes);
        return -1;
    }
    etag_of(page->body, page->length, page->etag, sizeof(page->etag));
    /* Without memory for the copy the page still goes out as it is; images are
     * compressed already. */
    if (page->content_type == NULL || strncmp(page->content_type, "image/", 6) != 0)
        gzip_copy_update(&page->gzip, page->body, page->length, page->etag);
    return 0;
}

static int read_pages(const struct config *config, struct api_web *web, char *error,
                      size_t error_size)
{
    struct page *pages[] = {&web->driver, &web->board, &web->script, &web->style};
    size_t assets_missing = 0;
    bool missing;

    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        if (read_page("web_root", config->web_root, pages[i], &missing, error, error_size) != 0)
            return -1;
        if (missing)
            log_warning("web", "%s/%s is missing: %s answers 404 (check web_root)",
                        config->web_root, pages[i]->file, pages[i]->path);
    }
    for (size_t i = 0; i < ASSET_COUNT; i++) {
        if (read_page("leaflet_dir", config->leaflet_dir, &web->assets[i], &missing, error,
                      error_size) != 0)
            return -1;
        assets_missing += missing;
    }
    /* The list of lots works without the map: a missing Leaflet is not fatal. */
    if (assets_missing > 0)
        log_warning("web",
                    "%zu of Leaflet's %d files are missing in %s: the driver page shows no map "
                    "(install libjs-leaflet, or check leaflet_dir)",
                    assets_missing, ASSET_COUNT, config->leaflet_dir);
    return 0;
}

/* The CSP of the pages, and the map's settings, from the configuration. */
static int take_map_settings(const struct config *config, struct api_web *web, char *error,
                             size_t error_size)
{
    char origin[256] = "";

    if (config->map_tiles != NULL && config->map_tiles[0] != '\0') {
        if (map_tiles_origin(config->map_tiles, origin, sizeof(origin)) != 0) {
            snprintf(error, error_size, "map_tiles: %s", map_tiles_rule);
            return -1;
        }
        web->map_tiles = strdup(config->map_tiles);
        if (web->map_tiles == NULL)
            goto no_memory;
    }
    if (config->map_attribution != NULL && config->map_attribution[0] != '\0') {
        web->map_attribution = strdup(config->map_attribution);
        if (web->map_attribution == NULL)
            goto no_memory;
    }
    /* The pages may only talk to this daemon (a guard against injected content);
     * images may also come from the configured tile server, and from nowhere else. */
    snprintf(web->csp, sizeof(web->csp),
             "default-src 'self'; script-src 'self' 'unsafe-inline'; "
             "style-src 'self' 'unsafe-inline'; img-src 'self' data:%s%s",
             origin[0] != '\0' ? " " : "", origin);
    return 0;

no_memory:
    snprintf(error, error_size, "out of memory");
    return -1;
}

static void answer_page(struct http_exchange *exchange, const struct api_web *web,
                        const struct page *page)
{
    if (page->body == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "this daemon has no page at %s",
                           page->path);
        return;
    }
    http_exchange_add_header(exchange, "Content-Security-Policy", web->csp);
    http_reply_encoded(exchange, "text/html; charset=utf-8", page->body, page->length, page->etag,
                       &page->gzip, HTTP_REPLY_PUBLIC);
}

void api_web_driver_page(struct http_exchange *exchange, const struct store_token *token,
                         void *data)
{
    const struct api_web *web = ((struct endpoint_context *)data)->web;
    answer_page(exchange, web, &web->driver);
}

void api_web_board_page(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    const struct api_web *web = ((struct endpoint_context *)data)->web;
    answer_page(exchange, web, &web->board);
}

/* The driver page's script and style sheet: files of web_root like the pages. */
static void answer_file(struct http_exchange *exchange, const struct page *page)
{
    if (page->body == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "this daemon has no file at %s",
                           page->path);
        return;
    }
    http_reply_encoded(exchange, page->content_type, page->body, page->length, page->etag,
                       &page->gzip, HTTP_REPLY_PUBLIC);
}

void api_web_driver_script(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    answer_file(exchange, &((struct endpoint_context *)data)->web->script);
}

void api_web_driver_style(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    answer_file(exchange, &((struct endpoint_context *)data)->web->style);
}

static void answer_asset(struct http_exchange *exchange, const struct api_web *web,
                         const char *name)
{
    for (size_t i = 0; i < ASSET_COUNT; i++) {
        const struct page *asset = &web->assets[i];
        if (strcmp(asset->path, name) != 0)
            continue;
        if (asset->body == NULL)
            break;
        http_reply_encoded(exchange, asset->content_type, asset->body, asset->length, asset->etag,
                           &asset->gzip, HTTP_REPLY_PUBLIC);
        return;
    }
    http_reply_problem(exchange, PROBLEM_NOT_FOUND, "this daemon has no file /assets/leaflet/%s",
                       name);
}

void api_web_leaflet(struct http_exchange *exchange, const struct store_token *token, void *data)
{
    answer_asset(exchange, ((struct endpoint_context *)data)->web,
                 http_exchange_parameter(exchange, "file"));
}

void api_web_leaflet_image(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    char name[128];

    snprintf(name, sizeof(name), "images/%s", http_exchange_parameter(exchange, "file"));
    answer_asset(exchange, ((struct endpoint_context *)data)->web, name);
}

int api_web_new(const struct config *config, struct api_web **out, char *error, size_t error_size)
{
    struct api_web *web = calloc(1, sizeof(*web));

    if (web == NULL) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    set_up_pages(web);
    if (take_map_settings(config, web, error, error_size) != 0 ||
        read_pages(config, web, error, error_size) != 0)
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

int api_web_reload(struct api_web *web, const struct config *config, char *error, size_t error_size)
{
    struct api_web *fresh = NULL;

    /* All or nothing: a half-read set would mix two versions of the site. */
    if (api_web_new(config, &fresh, error, error_size) != 0)
        return -1;
    take_page(&web->driver, &fresh->driver);
    take_page(&web->board, &fresh->board);
    take_page(&web->script, &fresh->script);
    take_page(&web->style, &fresh->style);
    for (size_t i = 0; i < ASSET_COUNT; i++)
        take_page(&web->assets[i], &fresh->assets[i]);
    api_web_free(fresh);
    return 0;
}

size_t api_web_page_count(const struct api_web *web)
{
    return (web->driver.body != NULL) + (web->board.body != NULL);
}

bool api_web_has_map(const struct api_web *web)
{
    return web->assets[ASSET_SCRIPT].body != NULL && web->assets[ASSET_STYLE].body != NULL;
}

const char *api_web_map_tiles(const struct api_web *web)
{
    return web->map_tiles;
}

const char *api_web_map_attribution(const struct api_web *web)
{
    return web->map_attribution;
}

void api_web_free(struct api_web *web)
{
    if (web == NULL)
        return;
    free(web->driver.body);
    free(web->board.body);
    free(web->script.body);
    free(web->style.body);
    gzip_copy_clear(&web->driver.gzip);
    gzip_copy_clear(&web->board.gzip);
    gzip_copy_clear(&web->script.gzip);
    gzip_copy_clear(&web->style.gzip);
    for (size_t i = 0; i < ASSET_COUNT; i++) {
        free(web->assets[i].body);
        gzip_copy_clear(&web->assets[i].gzip);
    }
    free(web->map_tiles);
    free(web->map_attribution);
    free(web);
}
