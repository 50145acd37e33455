/* updates.h: the attendant's commands: in, out and set, and sync of the offline queue. */
#ifndef PARKSHARE_CLI_UPDATES_H
#define PARKSHARE_CLI_UPDATES_H

#include "command.h"

/*
 * Change a lot's count by delta (in: positive, out: negative), or set it to
 * occupied. The update gets its idempotency key when it is made; whatever
 * is already queued is sent first, and when the server cannot take the
 * update now it joins the queue. Returns EXIT_OK, EXIT_QUEUED (kept for
 * 'sync'), EXIT_REFUSED (this update or a queued one refused, final) or
 * EXIT_LOCAL (the queue file), after saying why on stderr.
 */
int updates_add_delta(struct client *client, const char *lot_id, long long delta);
int updates_set_occupied(struct client *client, const char *lot_id, long long occupied);

/*
 * Send the offline queue in order. Returns EXIT_OK when it is empty after,
 * EXIT_QUEUED when updates remain, EXIT_REFUSED when some were refused (they
 * leave the queue), EXIT_LOCAL when the queue file fails.
 */
int updates_sync(struct client *client);

#endif
