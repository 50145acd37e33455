/* api_admin.h: the operator's endpoints: tokens and the audit trail. */
#ifndef PARKSHARE_API_ADMIN_H
#define PARKSHARE_API_ADMIN_H

#include "endpoint.h"
#include "http.h"

/* Every handler here serves an admin-only route: the token it is given is an admin's. */

/* POST /v1/tokens: a new token, shown this once. */
endpoint_handler api_admin_token_create;

/* GET /v1/tokens: every token, without its secret. */
endpoint_handler api_admin_token_list;

/* DELETE /v1/tokens/{id}: revoke at once, on every daemon. */
endpoint_handler api_admin_token_revoke;

/* GET /v1/audit?lot=&since=&cursor=&limit=: the audit trail, oldest first. */
endpoint_handler api_admin_audit;

#endif
