/* api_occupancy.h: POST /v1/lots/{id}/occupancy and the POST /v1/occupancy batch. */
#ifndef PARKSHARE_API_OCCUPANCY_H
#define PARKSHARE_API_OCCUPANCY_H

#include "http.h"
#include "store.h"

/* Route both endpoints; store must outlive the server. Returns 0 or an http_error. */
int api_occupancy_register(struct http_server *server, struct store *store);

#endif
