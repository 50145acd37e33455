/* api_openapi.h: GET /v1/openapi.json, the API's OpenAPI 3.1 description built into the daemon. */
#ifndef PARKSHARE_API_OPENAPI_H
#define PARKSHARE_API_OPENAPI_H

#include "endpoint.h"
#include "http.h"

/*
 * GET /v1/openapi.json: docs/openapi.yaml as JSON, converted at build time
 * and served from the binary with its ETag (304 on a match); public, so a
 * documentation page on another origin can read it. Needs no context.
 */
endpoint_handler api_openapi_document;

#endif
