/* api_openapi.c: GET /v1/openapi.json, the API's OpenAPI 3.1 description built into the daemon. */
#include "api_openapi.h"

#include "openapi_document.h"

#include <stdio.h>

void api_openapi_document(struct http_exchange *exchange, const struct store_token *token,
                          void *data)
{
    /* The document is part of the build, compressed there too: it changes only with the
     * binary, and no request compresses it again. */
    struct gzip_copy packed = {(char *)openapi_document_gzip, openapi_document_gzip_length, ""};

    snprintf(packed.etag, sizeof(packed.etag), "%s", openapi_document_gzip_etag);
    http_reply_encoded(exchange, "application/json", (const char *)openapi_document_json,
                       openapi_document_length, openapi_document_etag, &packed, HTTP_REPLY_PUBLIC);
}
