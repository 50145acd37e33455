/* bootstrap.h: work done when Redis becomes ready: the admin token, the demo city. */
#ifndef PARKSHARE_BOOTSTRAP_H
#define PARKSHARE_BOOTSTRAP_H

#include "data_dir.h"
#include "store.h"

#include <stddef.h>

struct bootstrap;

/*
 * Prepare: read the admin token in data_dir (it must exist) and keep only
 * its hash; read and validate every calendar <id>.json in calendar_dir;
 * read and validate the demo city file when demo_path is not NULL (every
 * lot must pass the same validation as PUT /v1/lots/{id}). Returns 0, or
 * -1 with the reason in error (a bad file names itself and the field).
 * Blocking file reads: call it before the loop runs.
 */
int bootstrap_new(struct store *store, const struct data_dir *data_dir, const char *calendar_dir,
                  const char *demo_path, struct bootstrap **bootstrap, char *error,
                  size_t error_size);

/*
 * Each time the store becomes ready: register the admin token (unless an
 * operator revoked it), store each shipped calendar that Redis does not
 * hold yet (an operator's edits stay), and, once, claim and load the demo
 * city into an
 * empty store, writing attendant tokens for one lot of each group into
 * data_dir as attendant-<lot>.token (mode 0600).
 */
void bootstrap_on_ready(struct bootstrap *bootstrap);

/* Free; accepts NULL. */
void bootstrap_free(struct bootstrap *bootstrap);

#endif
