/* api_calendars.h: PUT and GET /v1/calendars/{id}: holiday calendars. */
#ifndef PARKSHARE_API_CALENDARS_H
#define PARKSHARE_API_CALENDARS_H

#include "endpoint.h"
#include "http.h"

/* GET /v1/calendars/{id}?year=: the calendar, or one year of it. */
endpoint_handler api_calendars_get;

/* PUT /v1/calendars/{id}: a whole calendar or a year file; checks the id, then an admin token. */
endpoint_handler api_calendars_put;

/* DELETE /v1/calendars/{id} (admin only): 409 while lots still use it. */
endpoint_handler api_calendars_delete;

#endif
