/* api_web.c: the pages for people from web_root, and Leaflet's files from leaflet_dir. */
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

#define JS_TYPE  "text/javascript; charset=utf-8"
#define CSS_TYPE "text/css; charset=utf-8"
#define PNG_TYPE "image/png"

/* What each file is: where it is served and as what. */
struct page_kind {
    const char *path;     /* the URL path (for Leaflet's files, the name under the prefix) */
    const char *file;     /* under web_root or leaflet_dir */
    const char *fallback; /* another file to read when file is missing, or NULL */
    const char *content_type;
    const char *policy; /* Content-Security-Policy, or NULL for what is not a document */
    bool tiles;         /* the policy allows the map_tiles origin's images too */
    size_t max_bytes;
};

/* The driver page and the board carry their script inline. */
#define POLICY_INLINE                                                                              \
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "                                      \
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:"
/* The attendant's page holds a token: no inline script may run beside it. */
#define POLICY_ATTENDANT                                                                           \
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "                 \
    "manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'"

#define PAGE(path_, file_, type_, policy_, tiles_)                                                 \
    {                                                                                              \
        .path = path_, .file = file_, .content_type = type_, .policy = policy_, .tiles = tiles_,   \
        .max_bytes = PAGE_MAX_BYTES                                                                \
    }

static const struct page_kind page_kinds[WEB_PAGE_COUNT] = {
    [WEB_PAGE_DRIVER] = PAGE("/", "index.html", "text/html; charset=utf-8", POLICY_INLINE, true),
    [WEB_PAGE_DRIVER_SCRIPT] = PAGE("/driver.js", "driver.js", JS_TYPE, NULL, false),
    [WEB_PAGE_DRIVER_STYLE] = PAGE("/driver.css", "driver.css", CSS_TYPE, NULL, false),
    [WEB_PAGE_BOARD] =
        PAGE("/board", "board.html", "text/html; charset=utf-8", POLICY_INLINE, false),
    [WEB_PAGE_ATTENDANT] =
        PAGE("/attendant", "attendant.html", "text/html; charset=utf-8", POLICY_ATTENDANT, false),
    [WEB_PAGE_ATTENDANT_SCRIPT] = PAGE("/attendant.js", "attendant.js", JS_TYPE, NULL, false),
    [WEB_PAGE_ATTENDANT_WORKER] = PAGE("/attendant-sw.js", "attendant-sw.js", JS_TYPE, NULL, false),
    [WEB_PAGE_ATTENDANT_MANIFEST] = PAGE("/attendant.webmanifest", "attendant.webmanifest",
                                         "application/manifest+json", NULL, false),
};

/* Leaflet's files, by their name under /assets/leaflet/. */
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

#define ASSET(name_, file_, fallback_, type_)                                                      \
    {                                                                                              \
        .path = name_, .file = file_, .fallback = fallback_, .content_type = type_,                \
        .max_bytes = ASSET_MAX_BYTES                                                               \
    }

static const struct page_kind asset_kinds[ASSET_COUNT] = {
    /* Debian ships the minified script beside the full one: the smaller goes out. */
    [ASSET_SCRIPT] = ASSET("leaflet.js", "leaflet.min.js", "leaflet.js", JS_TYPE),
    [ASSET_STYLE] = ASSET("leaflet.css", "leaflet.css", NULL, CSS_TYPE),
    [ASSET_LAYERS] = ASSET("images/layers.png", "images/layers.png", NULL, PNG_TYPE),
    [ASSET_LAYERS_2X] = ASSET("images/layers-2x.png", "images/layers-2x.png", NULL, PNG_TYPE),
    [ASSET_MARKER] = ASSET("images/marker-icon.png", "images/marker-icon.png", NULL, PNG_TYPE),
    [ASSET_MARKER_2X] =
        ASSET("images/marker-icon-2x.png", "images/marker-icon-2x.png", NULL, PNG_TYPE),
    [ASSET_MARKER_SHADOW] =
        ASSET("images/marker-shadow.png", "images/marker-shadow.png", NULL, PNG_TYPE),
};

struct page {
    const struct page_kind *kind;
    char *body;
    size_t length;
    char etag[24];
    struct gzip_copy gzip; /* compressed once, when the file is read */
};

struct api_web {
    struct page pages[WEB_PAGE_COUNT];
    struct page assets[ASSET_COUNT];
    char *map_tiles;         /* NULL: no tiles, a plain background */
    char *map_attribution;   /* NULL: none */
    char csp[CSP_MAX_BYTES]; /* POLICY_INLINE, with the tile server's origin when there is one */
};

/* Open page's file (or its fallback) under directory; NULL with errno set. */
static FILE *open_page(const char *directory, const struct page *page, char *path, size_t path_size)
{
    FILE *file;

    snprintf(path, path_size, "%s/%s", directory, page->kind->file);
    file = fopen(path, "re");
    if (file == NULL && errno == ENOENT && page->kind->fallback != NULL) {
        snprintf(path, path_size, "%s/%s", directory, page->kind->fallback);
        file = fopen(path, "re");
    }
    return file;
}

/* Read a file into page (key names the directory's setting in errors); a missing one is left empty.
 */
static int read_page(const char *key, const char *directory, struct page *page, bool *missing,
                     char *error, size_t error_size)
{
    char path[PATH_MAX];
    FILE *file = open_page(directory, page, path, sizeof(path));
    size_t max_bytes = page->kind->max_bytes;

    *missing = false;
    if (file == NULL) {
        *missing = errno == ENOENT || errno == ENOTDIR;
        if (*missing)
            return 0;
        snprintf(error, error_size, "%s: %s: %s", key, path, strerror(errno));
        return -1;
    }
    page->body = malloc(max_bytes);
    if (page->body == NULL) {
        fclose(file);
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    page->length = fread(page->body, 1, max_bytes, file);
    /* A read error (a directory by the page's name, EIO) is not an empty page. */
    if (ferror(file)) {
        snprintf(error, error_size, "%s: %s: %s", key, path, strerror(errno));
        fclose(file);
        return -1;
    }
    fclose(file);
    if (page->length == max_bytes) {
        snprintf(error, error_size, "%s: %s is larger than %zu bytes", key, path, max_bytes);
        return -1;
    }
    etag_of(page->body, page->length, page->etag, sizeof(page->etag));
    /* Without memory for the copy the page still goes out as it is; images are
     * compressed already. */
    if (strncmp(page->kind->content_type, "image/", 6) != 0)
        gzip_copy_update(&page->gzip, page->body, page->length, page->etag);
    return 0;
}

static int read_pages(const struct config *config, struct api_web *web, char *error,
                      size_t error_size)
{
    size_t assets_missing = 0;
    bool missing;

    for (size_t i = 0; i < WEB_PAGE_COUNT; i++) {
        if (read_page("web_root", config->web_root, &web->pages[i], &missing, error, error_size) !=
            0)
            return -1;
        if (missing)
            log_warning("web", "%s/%s is missing: %s answers 404 (check web_root)",
                        config->web_root, page_kinds[i].file, page_kinds[i].path);
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

/* The pages' CSP, and the map's settings, from the configuration. */
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
    /* Images may also come from the configured tile server, and from nowhere else. */
    snprintf(web->csp, sizeof(web->csp), "%s%s%s", POLICY_INLINE, origin[0] != '\0' ? " " : "",
             origin);
    return 0;

no_memory:
    snprintf(error, error_size, "out of memory");
    return -1;
}

static void answer_page(struct http_exchange *exchange, const struct api_web *web,
                        const struct page *page)
{
    const struct page_kind *kind = page->kind;

    if (page->body == NULL) {
        http_reply_problem(exchange, PROBLEM_NOT_FOUND, "this daemon has no page at %s",
                           kind->path);
        return;
    }
    /* A page may only talk to this daemon: a guard against injected content. */
    if (kind->policy != NULL)
        http_exchange_add_header(exchange, "Content-Security-Policy",
                                 kind->tiles ? web->csp : kind->policy);
    http_reply_encoded(exchange, kind->content_type, page->body, page->length, page->etag,
                       &page->gzip, HTTP_REPLY_PUBLIC);
}

static void answer(struct http_exchange *exchange, void *data, enum web_page which)
{
    const struct api_web *web = ((struct endpoint_context *)data)->web;
    answer_page(exchange, web, &web->pages[which]);
}

void api_web_driver_page(struct http_exchange *exchange, const struct store_token *token,
                         void *data)
{
    answer(exchange, data, WEB_PAGE_DRIVER);
}

void api_web_driver_script(struct http_exchange *exchange, const struct store_token *token,
                           void *data)
{
    answer(exchange, data, WEB_PAGE_DRIVER_SCRIPT);
}

void api_web_driver_style(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    answer(exchange, data, WEB_PAGE_DRIVER_STYLE);
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

static void answer_asset(struct http_exchange *exchange, const struct api_web *web,
                         const char *name)
{
    for (size_t i = 0; i < ASSET_COUNT; i++) {
        const struct page *asset = &web->assets[i];
        if (strcmp(asset_kinds[i].path, name) != 0)
            continue;
        if (asset->body == NULL)
            break;
        http_reply_encoded(exchange, asset_kinds[i].content_type, asset->body, asset->length,
                           asset->etag, &asset->gzip, HTTP_REPLY_PUBLIC);
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
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++)
        web->pages[i].kind = &page_kinds[i];
    for (size_t i = 0; i < ASSET_COUNT; i++)
        web->assets[i].kind = &asset_kinds[i];
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
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++)
        take_page(&web->pages[i], &fresh->pages[i]);
    for (size_t i = 0; i < ASSET_COUNT; i++)
        take_page(&web->assets[i], &fresh->assets[i]);
    api_web_free(fresh);
    return 0;
}

size_t api_web_page_count(const struct api_web *web)
{
    size_t count = 0;

    /* Pages are the documents; a page's script, style, worker and manifest are its parts. */
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++)
        count += web->pages[i].body != NULL && web->pages[i].kind->policy != NULL;
    return count;
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
    for (size_t i = 0; i < WEB_PAGE_COUNT; i++) {
        free(web->pages[i].body);
        gzip_copy_clear(&web->pages[i].gzip);
    }
    for (size_t i = 0; i < ASSET_COUNT; i++) {
        free(web->assets[i].body);
        gzip_copy_clear(&web->assets[i].gzip);
    }
    free(web->map_tiles);
    free(web->map_attribution);
    free(web);
}
