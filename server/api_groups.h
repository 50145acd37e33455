/* api_groups.h: the named areas: GET /v1/groups, PUT and DELETE /v1/groups/{id}. */
#ifndef PARKSHARE_API_GROUPS_H
#define PARKSHARE_API_GROUPS_H

#include "endpoint.h"

/* Every group (named, or used by a lot) with its names, lots and totals; from memory. */
endpoint_handler api_groups_list;

/* Admin: store a group's names (422 naming every broken rule; nothing stored then). */
endpoint_handler api_groups_put;

/* Admin: delete a group's names; its lots keep the group. */
endpoint_handler api_groups_delete;

#endif
