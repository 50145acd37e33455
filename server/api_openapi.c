/* api_openapi.c: GET /v1/openapi.json, the API's OpenAPI 3.1 description built into the daemon. */
#include "api_openapi.h"

#include "openapi_document.h"

void api_openapi_document(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    /* The document is part of the build: it changes only with the binary. */
    http_reply(exchange, 200, "application/json", (const char *)openapi_document_json,
               openapi_document_length, openapi_document_etag, HTTP_REPLY_PUBLIC);
}
