/* command_line.h: parkshare-server's options, its usage, and the configuration from its sources. */
#ifndef PARKSHARE_COMMAND_LINE_H
#define PARKSHARE_COMMAND_LINE_H

#include "config.h"

/* parkshare-server's exit status (EXIT_SUCCESS after a clean stop). */
#define EXIT_RUNTIME_FAILURE 1
#define EXIT_USAGE           2 /* bad arguments or a bad configuration */

enum command_line_action {
    COMMAND_LINE_RUN,          /* serve */
    COMMAND_LINE_CHECK_CONFIG, /* -t: check the configuration and exit */
    COMMAND_LINE_DONE,         /* -h or -v: printed; exit 0 */
};

/*
 * Read the options and build the configuration: the defaults, then the
 * file (-c), then PARKSHARE_<KEY> from the environment, then each --set;
 * the timezone must exist. Returns 0 with *action, and unless it is
 * COMMAND_LINE_DONE with *config (the caller's, freed with config_free);
 * or prints the reason on standard error and returns EXIT_USAGE
 * (EXIT_RUNTIME_FAILURE when out of memory).
 */
int command_line_load(int argc, char **argv, enum command_line_action *action,
                      struct config **config);

#endif
