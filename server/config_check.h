/* config_check.h: --check-config: the files a configuration names, checked without starting. */
#ifndef PARKSHARE_CONFIG_CHECK_H
#define PARKSHARE_CONFIG_CHECK_H

#include "config.h"

#include <stddef.h>

/*
 * What the daemon checks before it touches the network, beyond the keys
 * and values (checked when config was loaded): redis_password_file
 * readable and private (external Redis only); web_root a readable
 * directory, its pages readable; calendar_dir readable and every calendar
 * in it valid; the demo file valid. Nothing is created or changed: not
 * data_dir, not log_file. Returns 0, or -1 with the reason in error,
 * naming the key and the file.
 */
int config_check(const struct config *config, char *error, size_t error_size);

#endif
