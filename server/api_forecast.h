/* api_forecast.h: a lot's expected free spaces by the calendar, from its history kept in memory a
 * while. */
#ifndef PARKSHARE_API_FORECAST_H
#define PARKSHARE_API_FORECAST_H

#include "endpoint.h"
#include "forecast.h"

struct api_forecast;

/*
 * The forecasts' state: each lot's hourly history read from Redis, kept for
 * API_FORECAST_KEEP_MS (at most API_FORECAST_LOTS lots, the oldest
 * replaced), so that anonymous reads cannot make the daemon read a year of
 * buckets per request. Returns 0, or -1 when out of memory.
 */
int api_forecast_new(struct api_forecast **out);

/* Free; accepts NULL. Exchanges waiting for a read must have been answered (the store first). */
void api_forecast_free(struct api_forecast *forecast);

#define API_FORECAST_KEEP_MS (5 * 60 * 1000)
#define API_FORECAST_LOTS    256

/*
 * Whether lot_id has a forecast basis now, from what is kept (no Redis
 * read): FORECAST_TREND_UNKNOWN when its history is not kept or too short,
 * else the trend over the next hour. For the feeds' forecast flag and
 * occupancyTrend.
 */
enum forecast_trend api_forecast_trend(const struct endpoint_context *context, const char *lot_id);

/* GET /v1/lots/{id}/forecast?from=&to=&step=: expected free spaces with an 80 % interval. */
endpoint_handler api_forecast_lot;

/* GET /v1/lots/{id}/forecast/eval?from=&to= (admin): backtest against the three-week baseline. */
endpoint_handler api_forecast_eval;

#endif
