/* api_audit.h: GET /v1/audit: who changed what, when, from what to what. */
#ifndef PARKSHARE_API_AUDIT_H
#define PARKSHARE_API_AUDIT_H

#include "endpoint.h"
#include "http.h"

/* GET /v1/audit?lot=&since=&cursor=&limit=: the audit trail, oldest first (an admin-only route). */
endpoint_handler api_audit_read;

#endif
