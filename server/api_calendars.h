/* api_calendars.h: PUT and GET /v1/calendars/{id}: holiday calendars. */
#ifndef PARKSHARE_API_CALENDARS_H
#define PARKSHARE_API_CALENDARS_H

#include "endpoint.h"
#include "http.h"

/* Route both; context must outlive the server. Returns 0 or an http_error. */
int api_calendars_register(struct http_server *server, struct endpoint_context *context);

#endif
