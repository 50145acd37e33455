/* board.h: the terminal board: a sign's number in block letters, kept current by long polls. */
#ifndef PARKSHARE_CLI_BOARD_H
#define PARKSHARE_CLI_BOARD_H

#include "command.h"

#include <stdbool.h>

/*
 * board [--city C | --group G] [--once]: draw the free count of
 * /v1/totals.txt (of the city or group, when given) in block letters. With
 * once, draw it a single time and return; otherwise redraw whenever it
 * changes or the terminal is resized, and retry a lost connection with
 * backoff, until SIGINT or SIGTERM (it installs handlers for those and
 * SIGWINCH). Returns EXIT_OK, EXIT_NETWORK (once, unreachable) or what
 * command_refused says.
 */
int board_run(struct client *client, const char *city, const char *group, bool once);

#endif
