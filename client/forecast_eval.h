/* forecast_eval.h: forecast-eval: the forecast's backtest beside the three-week baseline, per kind
 * of day. */
#ifndef PARKSHARE_CLIENT_FORECAST_EVAL_H
#define PARKSHARE_CLIENT_FORECAST_EVAL_H

#include "command.h"

/*
 * forecast-eval [--lot ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] (admin
 * token): for one lot, or each lot of the first page of /v1/lots, the mean
 * absolute error of the forecast made 1 h, 3 h and 24 h ahead and of the
 * baseline, on holidays, make-up workdays and normal days. Returns an exit
 * status.
 */
int forecast_eval_command(struct client *client, int argc, char **argv);

#endif
