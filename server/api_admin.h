/* api_admin.h: the operator's endpoints: tokens and the audit trail. */
#ifndef PARKSHARE_API_ADMIN_H
#define PARKSHARE_API_ADMIN_H

#include "http.h"
#include "store.h"

/*
 * Route POST/GET /v1/tokens, DELETE /v1/tokens/{id} and GET /v1/audit, all
 * for admin tokens only. store must outlive the server.
 */
int api_admin_register(struct http_server *server, struct store *store);

#endif
