/* simulate.h: parkshare-cli simulate: realistic arrivals and departures for demonstrations. */
#ifndef PARKSHARE_CLI_SIMULATE_H
#define PARKSHARE_CLI_SIMULATE_H

#include "command.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * simulate [--rate N] [--group G] [--duration S] [--seed N]: about N updates
 * a second (1..100, default 2), each +1 or -1 on a lot that is open now
 * (the lot list is read again every 5 s), arrivals likelier when a lot is
 * empty and departures when it is full, sent through the public API with
 * the client's token. Lots the token may not update are dropped with a
 * note. Runs for S seconds (0, the default: until interrupted). Returns an
 * enum exit_status.
 */
int simulate_run(struct client *client, int argc, char **argv);

/*
 * The next step for a lot with occupied of capacity spaces, given a uniform
 * draw in [0, 1): +1 (an arrival) or -1 (a departure); never below 0 or
 * above capacity. Arrivals are likelier the emptier the lot is (80 % when
 * empty, 30 % when full). 0 when the lot has no space at all.
 */
int simulate_step(int64_t occupied, int64_t capacity, double draw);

#endif
