/* routes.c: the route table: every endpoint's methods, path, handler and flags, in one place. */
#include "routes.h"

#include "api_audit.h"
#include "api_calendars.h"
#include "api_closures.h"
#include "api_feeds.h"
#include "api_forecast.h"
#include "api_forecast_group.h"
#include "api_groups.h"
#include "api_health.h"
#include "api_history.h"
#include "api_info.h"
#include "api_lots.h"
#include "api_lots_list.h"
#include "api_metrics.h"
#include "api_occupancy.h"
#include "api_openapi.h"
#include "api_schedule.h"
#include "api_stream.h"
#include "api_tokens.h"
#include "api_totals.h"
#include "api_web.h"
#include "auth.h"
#include "lot.h"
#include "router.h"

#include <stdio.h>
#include <stdlib.h>

/* How a route is served beyond its handler. */
enum route_flags {
    /* An admin token is checked first (401, 403 or 503 otherwise); the handler gets it. */
    ROUTE_ADMIN = 1 << 0,
    /* The {id} must be a valid id (lot_id_is_valid), checked before the token: 422 otherwise. */
    ROUTE_VALID_ID = 1 << 1,
};

struct route {
    unsigned methods; /* enum router_method bits */
    const char *pattern;
    endpoint_handler *handler;
    unsigned flags; /* enum route_flags */
};

/*
 * Every endpoint. The occupancy updates take an attendant's token checked
 * against each lot: those handlers ask for the token themselves (and count
 * their writes through it).
 */
static const struct route table[] = {
    {ROUTER_GET, "/healthz", api_health_live, 0},
    {ROUTER_GET, "/readyz", api_health_ready, 0},
    {ROUTER_GET, "/v1/lots/{id}", api_lots_get, 0},
    {ROUTER_PUT, "/v1/lots/{id}", api_lots_put, ROUTE_VALID_ID | ROUTE_ADMIN},
    {ROUTER_DELETE, "/v1/lots/{id}", api_lots_delete, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/lots", api_lots_list, 0},
    {ROUTER_GET, "/v1/lots.geojson", api_lots_list_geojson, 0},
    {ROUTER_GET, "/v1/lots/{id}/schedule", api_schedule_days, 0},
    {ROUTER_GET, "/v1/lots/{id}/schedule.ics", api_schedule_ical, 0},
    {ROUTER_GET, "/v1/calendars/{id}", api_calendars_get, 0},
    {ROUTER_PUT, "/v1/calendars/{id}", api_calendars_put, ROUTE_VALID_ID | ROUTE_ADMIN},
    {ROUTER_DELETE, "/v1/calendars/{id}", api_calendars_delete, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/groups", api_groups_list, 0},
    {ROUTER_PUT, "/v1/groups/{id}", api_groups_put, ROUTE_VALID_ID | ROUTE_ADMIN},
    {ROUTER_DELETE, "/v1/groups/{id}", api_groups_delete, ROUTE_ADMIN},
    {ROUTER_POST, "/v1/lots/{id}/occupancy", api_occupancy_single, 0},
    {ROUTER_POST, "/v1/occupancy", api_occupancy_batch, 0},
    {ROUTER_GET, "/v1/lots/{id}/closures", api_closures_list, 0},
    {ROUTER_POST, "/v1/lots/{id}/closures", api_closures_announce, ROUTE_VALID_ID},
    {ROUTER_DELETE, "/v1/lots/{id}/closures/{closure_id}", api_closures_withdraw, 0},
    {ROUTER_POST, "/v1/tokens", api_tokens_create, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/tokens", api_tokens_list, ROUTE_ADMIN},
    {ROUTER_DELETE, "/v1/tokens/{id}", api_tokens_revoke, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/tokens/self", api_tokens_self, 0},
    {ROUTER_GET, "/v1/audit", api_audit_read, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/totals", api_totals_json, 0},
    {ROUTER_GET, "/v1/totals.txt", api_totals_text, 0},
    {ROUTER_GET, "/v1/stream", api_stream_open, 0},
    {ROUTER_GET, "/v1/openapi.json", api_openapi_document, 0},
    {ROUTER_GET, "/", api_web_driver_page, 0},
    {ROUTER_GET, "/board", api_web_board_page, 0},
    {ROUTER_GET, "/driver.js", api_web_driver_script, 0},
    {ROUTER_GET, "/driver.css", api_web_driver_style, 0},
    {ROUTER_GET, "/v1/info", api_info_read, 0},
    {ROUTER_GET, "/assets/leaflet/{file}", api_web_leaflet, 0},
    {ROUTER_GET, "/assets/leaflet/images/{file}", api_web_leaflet_image, 0},
    {ROUTER_GET, "/attendant", api_web_attendant_page, 0},
    {ROUTER_GET, "/attendant.js", api_web_attendant_script, 0},
    {ROUTER_GET, "/attendant-sw.js", api_web_attendant_worker, 0},
    {ROUTER_GET, "/attendant.webmanifest", api_web_attendant_manifest, 0},
    {ROUTER_GET, "/metrics", api_metrics_read, 0},
    {ROUTER_GET, "/v3/parking-sites", api_feeds_parkapi_v3_list, 0},
    {ROUTER_GET, "/v3/parking-sites/{id}", api_feeds_parkapi_v3_site, 0},
    {ROUTER_GET, "/parkapi/v1/{city}", api_feeds_parkapi_v1_city, 0},
    {ROUTER_GET, "/datex2/v3/parking-light.json", api_feeds_datex_light, 0},
    {ROUTER_GET, "/datex2/v3/en/parking-light.json", api_feeds_datex_light_english, 0},
    {ROUTER_GET, "/v1/lots/{id}/history", api_history_lot, 0},
    {ROUTER_POST, "/v1/lots/{id}/history", api_history_import, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/groups/{id}/history", api_history_group, 0},
    {ROUTER_GET, "/v1/lots/{id}/forecast", api_forecast_lot, 0},
    {ROUTER_GET, "/v1/lots/{id}/forecast/eval", api_forecast_eval, ROUTE_ADMIN},
    {ROUTER_GET, "/v1/groups/{id}/forecast", api_forecast_group, 0},
};

#define ROUTE_COUNT (sizeof(table) / sizeof(table[0]))

/* A table row with the context its handler is given: what the server calls back with. */
struct binding {
    const struct route *route;
    struct endpoint_context *context;
};

struct routes {
    struct binding bindings[ROUTE_COUNT];
};

/* The one place a route's flags are applied. */
static void dispatch(struct http_exchange *exchange, void *data)
{
    const struct binding *binding = data;
    const struct route *route = binding->route;

    if ((route->flags & ROUTE_VALID_ID) &&
        !lot_id_is_valid(http_exchange_parameter(exchange, "id")))
        http_reply_invalid(exchange, "id", lot_id_rule);
    else if (route->flags & ROUTE_ADMIN)
        /* Writes are counted once the token is known: per token, not per address. */
        auth_require(exchange, binding->context->store, (struct auth_demand){true, 1},
                     route->handler, NULL, binding->context);
    else
        route->handler(exchange, NULL, binding->context);
}

int routes_new(struct http_server *server, struct endpoint_context *context, struct routes **out)
{
    struct routes *routes = calloc(1, sizeof(*routes));
    int result = 0;

    if (routes == NULL)
        return HTTP_ERROR_NO_MEMORY;
    for (size_t i = 0; i < ROUTE_COUNT && result == 0; i++) {
        routes->bindings[i] = (struct binding){&table[i], context};
        result = http_server_route(server, table[i].methods, table[i].pattern, dispatch,
                                   &routes->bindings[i]);
    }
    if (result != 0) {
        routes_free(routes);
        return result;
    }
    *out = routes;
    return 0;
}

void routes_free(struct routes *routes)
{
    free(routes);
}

int routes_print(FILE *out)
{
    static const struct {
        unsigned bit;
        const char *name;
    } methods[] = {
        {ROUTER_GET, "GET"}, {ROUTER_POST, "POST"}, {ROUTER_PUT, "PUT"}, {ROUTER_DELETE, "DELETE"}};

    for (size_t i = 0; i < ROUTE_COUNT; i++)
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
            if ((table[i].methods & methods[m].bit) &&
                fprintf(out, "%s %s\n", methods[m].name, table[i].pattern) < 0)
                return -1;
    return fflush(out) == 0 ? 0 : -1;
}
