/* forecast_refresh.c: each lot's trend for the feeds, refreshed in turn, a lot every few seconds.
 */
#include "forecast_refresh.h"

#include "api_forecast.h"
#include "snapshot.h"

#include <parkshare/wire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct forecast_refresh {
    struct endpoint_context *context;
    struct event *timer;
    char last_id[WIRE_ID_MAX + 1]; /* the lot refreshed last; "" before the first */
    bool loading;                  /* a read is out: the next tick waits for it */
};

static void on_loaded(bool ok, void *data)
{
    struct forecast_refresh *refresh = data;
    enum forecast_trend trend;

    refresh->loading = false;
    if (!ok)
        return;
    trend = api_forecast_trend(refresh->context, refresh->last_id);
    snapshot_set_trend(refresh->context->snapshot, refresh->last_id, (int)trend);
}

static void on_tick(evutil_socket_t fd, short what, void *data)
{
    struct forecast_refresh *refresh = data;
    const struct snapshot *snapshot = refresh->context->snapshot;
    size_t count = snapshot_count(snapshot), index;
    const char *ids[1];

    (void)fd;
    (void)what;
    if (refresh->loading || count == 0)
        return;
    index = snapshot_index_after(snapshot, refresh->last_id);
    if (index >= count)
        index = 0;
    snprintf(refresh->last_id, sizeof(refresh->last_id), "%s", snapshot_at(snapshot, index)->id);
    ids[0] = refresh->last_id;
    /* A read that cannot be sent now (Redis away) is tried again next tick. */
    refresh->loading = api_forecast_load(refresh->context, ids, 1, on_loaded, refresh) == 0;
}

int forecast_refresh_new(struct event_base *base, struct endpoint_context *context,
                         struct forecast_refresh **out)
{
    struct forecast_refresh *refresh = calloc(1, sizeof(*refresh));
    const struct timeval interval = {FORECAST_REFRESH_INTERVAL_MS / 1000,
                                     FORECAST_REFRESH_INTERVAL_MS % 1000 * 1000};

    *out = NULL;
    if (refresh == NULL)
        return -1;
    refresh->context = context;
    refresh->timer = event_new(base, -1, EV_PERSIST, on_tick, refresh);
    if (refresh->timer == NULL || event_add(refresh->timer, &interval) != 0) {
        forecast_refresh_free(refresh);
        return -1;
    }
    *out = refresh;
    return 0;
}

void forecast_refresh_free(struct forecast_refresh *refresh)
{
    if (refresh == NULL)
        return;
    if (refresh->timer != NULL)
        event_free(refresh->timer);
    free(refresh);
}
