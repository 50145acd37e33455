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
 * The file checks of bootstrap_new alone, for --check-config: every
 * calendar in calendar_dir and the demo file (when not NULL) read and
 * validated, with no token, store or data_dir. Returns 0, or -1 with the
 * reason in error (a bad file names itself and the field).
 */
int bootstrap_check_files(const char *calendar_dir, const char *demo_path, char *error,
                          size_t error_size);

/*
 * Each time the store becomes ready: register the admin token (unless an
 * operator revoked it), store each shipped calendar that Redis does not
 * hold yet (an operator's edits stay; a file changed and reloaded while
 * Redis was away is stored over it), and, once, claim and load the demo
 * city into an
 * empty store, writing attendant tokens for one lot of each group into
 * data_dir as attendant-<lot>.token (mode 0600).
 */
void bootstrap_on_ready(struct bootstrap *bootstrap);

/* What a reload of the shipped calendars did. */
struct bootstrap_reload {
    size_t calendars; /* shipped calendars now known */
    size_t changed;   /* new or changed files, stored over what Redis holds */
    size_t kept;      /* bad files whose calendar from before is kept */
};

/*
 * SIGHUP: read calendar_dir again (blocking). A bad file is logged with its
 * reason and its calendar from before kept (a new bad file is skipped); an
 * unreadable directory keeps them all and returns -1. A new or changed
 * file is stored in Redis over what it holds (the file is the operator's
 * latest word), now when Redis is ready, else at the next ready; unchanged
 * ones are left as they are, and a removed file deletes nothing. Every
 * daemon then reloads the calendars that changed. Returns 0 or -1; fills
 * summary either way.
 */
int bootstrap_reload_calendars(struct bootstrap *bootstrap, const char *calendar_dir,
                               struct bootstrap_reload *summary);

/* Free; accepts NULL. */
void bootstrap_free(struct bootstrap *bootstrap);

#endif
