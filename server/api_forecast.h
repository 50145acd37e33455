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

#define API_FORECAST_KEEP_MS  (5 * 60 * 1000)
#define API_FORECAST_LOTS     256
#define API_FORECAST_LOAD_MAX 4 /* lots read at once: a group's are read in turns */

/* Called once lots were read into what is kept (ok), or could not be (not ok). */
typedef void api_forecast_loaded(bool ok, void *data);

/*
 * Read the history of lot_ids (1 to API_FORECAST_LOAD_MAX of them) into
 * what is kept, in one Redis call, then call loaded. Returns 0, or -1 (not
 * sent; loaded is not called).
 */
int api_forecast_load(struct endpoint_context *context, const char *const *lot_ids, size_t count,
                      api_forecast_loaded *loaded, void *data);

/*
 * Read group_id's own history (its buckets, folded from its lots' counts)
 * into what is kept, then call loaded. Returns 0, or -1 (not sent).
 */
int api_forecast_load_group(struct endpoint_context *context, const char *group_id,
                            api_forecast_loaded *loaded, void *data);

/*
 * The forecast profile of group_id's own history from what is kept now,
 * for capacity spaces, classified with calendar_lot's calendar: 0, or -1
 * when it is not kept (or out of memory). Release it as a lot's.
 */
int api_forecast_group_profile(const struct endpoint_context *context, const char *group_id,
                               const struct snapshot_lot *calendar_lot, int64_t capacity,
                               struct forecast_profile *profile);

/*
 * The forecast profile of lot_id from what is kept now, classified with
 * the lot's calendar: 0, or -1 when it is not kept (or out of memory).
 * Release it with api_forecast_profile_release (the hourly means stay kept).
 */
int api_forecast_profile(const struct endpoint_context *context, const char *lot_id,
                         struct forecast_profile *profile);
void api_forecast_profile_release(struct forecast_profile *profile);

/*
 * The query of a forecast: from (default now, not before the current
 * step), to (default from + 24 h, at most 7 days ahead), step 1h (default)
 * or 5m; from_ms is rounded down to the step. Returns 0, or -1 when the
 * exchange was answered 422 naming the parameter.
 */
int api_forecast_query(struct http_exchange *exchange, int64_t now_ms, int64_t *from_ms,
                       int64_t *to_ms, int64_t *step_ms);

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
