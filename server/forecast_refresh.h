/* forecast_refresh.h: each lot's trend for the feeds, refreshed in turn, a lot every few seconds.
 */
#ifndef PARKSHARE_FORECAST_REFRESH_H
#define PARKSHARE_FORECAST_REFRESH_H

#include "endpoint.h"

#include <event2/event.h>

/*
 * One lot's history is read every FORECAST_REFRESH_INTERVAL_MS, in id
 * order and round again: a city of 30 lots has every trend refreshed each
 * minute, one of 2,000 each 67 minutes, and Redis reads one lot's history
 * (a few MB at most) every interval whatever the city's size.
 */
#define FORECAST_REFRESH_INTERVAL_MS 2000

struct forecast_refresh;

/*
 * Start refreshing: context's snapshot learns each lot's trend
 * (snapshot_set_trend) from context's forecasts (api_forecast_load, then
 * api_forecast_trend). Returns 0, or -1 when out of memory.
 */
int forecast_refresh_new(struct event_base *base, struct endpoint_context *context,
                         struct forecast_refresh **out);

/* Stop and free; accepts NULL. Free it after the store, whose pending reads answer first. */
void forecast_refresh_free(struct forecast_refresh *refresh);

#endif
