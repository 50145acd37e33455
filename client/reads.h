/* reads.h: the read commands: the lots, one lot, a lot's schedule, the totals. */
#ifndef PARKSHARE_CLI_READS_H
#define PARKSHARE_CLI_READS_H

#include "command.h"

#include <stdbool.h>

/*
 * Each read GETs one resource and prints it as a table, or as the server's
 * JSON with --json. Filters that are NULL (or false) are left out of the
 * query. Returns an exit status after saying why on stderr: EXIT_NETWORK
 * when the server cannot be reached or its answer is not JSON, what
 * command_refused says for any other status than 200.
 */

/* lots [--near LAT,LON] [--open] [--city C] [--group G]: one page, as large as the server allows.
 */
int reads_lots(struct client *client, const char *near, const char *city, const char *group,
               bool open_only);

/* lot ID. */
int reads_lot(struct client *client, const char *lot_id);

/* schedule ID [--days N]; days is passed on for the server to judge. */
int reads_schedule(struct client *client, const char *lot_id, const char *days);

/* totals [--city C] [--group G]. */
int reads_totals(struct client *client, const char *city, const char *group);

#endif
