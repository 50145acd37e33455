/* api_history.h: a lot's and a group's count history, and importing past counts. */
#ifndef PARKSHARE_API_HISTORY_H
#define PARKSHARE_API_HISTORY_H

#include "endpoint.h"

/* GET /v1/lots/{id}/history?from=&to=&step=&format=: JSON or CSV points. */
endpoint_handler api_history_lot;

/* GET /v1/groups/{id}/history: the same, summed over the group's lots. */
endpoint_handler api_history_group;

/*
 * The ids of the lots in group (borrowed from the context's snapshot; *count
 * of them), in a malloc'd array the caller frees, from the context's
 * lot_names (core/lot_names.h: a group no lot has costs a look-up); NULL
 * when out of memory.
 */
const char **api_history_group_lots(const struct endpoint_context *context, const char *group,
                                    size_t *count);

/* POST /v1/lots/{id}/history (admin): import past samples [{"time", "occupied"}], idempotent. */
endpoint_handler api_history_import;

#endif
