/* transport.c: the client's HTTP on libcurl: one reused connection, timeouts, TLS on. */
#include "transport.h"

#include <curl/curl.h>
#include <parkshare/wire.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT_S 5
#define TOTAL_TIMEOUT_S   30

struct transport {
    CURL *curl;
    char *base_url;
    char *authorization;
    char *body;
    size_t length;
    size_t capacity;
    bool failed;
    char etag[128];
    char content_type[128];
};

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    struct transport *transport = user;
    size_t bytes = size * count;
    if (transport->length + bytes + 1 > transport->capacity) {
        size_t capacity = transport->capacity ? transport->capacity * 2 : 16384;
        char *grown;
        while (capacity < transport->length + bytes + 1)
            capacity *= 2;
        grown = realloc(transport->body, capacity);
        if (grown == NULL) {
            transport->failed = true;
            return 0;
        }
        transport->body = grown;
        transport->capacity = capacity;
    }
    memcpy(transport->body + transport->length, data, bytes);
    transport->length += bytes;
    transport->body[transport->length] = '\0';
    return bytes;
}

/* Keep the headers the client uses: ETag and Content-Type. */
static size_t on_header(char *data, size_t size, size_t count, void *user)
{
    struct transport *transport = user;
    size_t bytes = size * count;
    struct {
        const char *name;
        char *slot;
    } wanted[] = {{"ETag:", transport->etag}, {"Content-Type:", transport->content_type}};

    for (size_t i = 0; i < 2; i++) {
        size_t name_length = strlen(wanted[i].name);
        if (bytes > name_length && strncasecmp(data, wanted[i].name, name_length) == 0) {
            const char *value = data + name_length;
            size_t length = bytes - name_length;
            while (length > 0 && (*value == ' ' || *value == '\t'))
                value++, length--;
            while (length > 0 && (value[length - 1] == '\r' || value[length - 1] == '\n'))
                length--;
            snprintf(wanted[i].slot, 128, "%.*s", (int)length, value);
        }
    }
    return bytes;
}

struct transport *transport_new(const char *base_url, const char *token)
{
    struct transport *transport = calloc(1, sizeof(*transport));
    if (transport == NULL)
        return NULL;
    transport->curl = curl_easy_init();
    transport->base_url = strdup(base_url);
    if (token != NULL && asprintf(&transport->authorization, "Authorization: Bearer %s", token) < 0)
        transport->authorization = NULL;
    if (transport->curl == NULL || transport->base_url == NULL ||
        (token != NULL && transport->authorization == NULL)) {
        transport_free(transport);
        return NULL;
    }
    /* Trailing slashes in the base URL would double up with our paths. */
    for (size_t length = strlen(transport->base_url);
         length > 0 && transport->base_url[length - 1] == '/'; length--)
        transport->base_url[length - 1] = '\0';
    return transport;
}

void transport_free(struct transport *transport)
{
    if (transport == NULL)
        return;
    if (transport->curl != NULL)
        curl_easy_cleanup(transport->curl);
    free(transport->base_url);
    if (transport->authorization != NULL)
        memset(transport->authorization, 0, strlen(transport->authorization));
    free(transport->authorization);
    free(transport->body);
    free(transport);
}

int transport_request(struct transport *transport, const char *method, const char *path,
                      const char *body, const char *idempotency_key, const char *if_none_match,
                      long timeout_seconds, struct transport_answer *answer, char *error,
                      size_t error_size)
{
    struct curl_slist *headers = NULL;
    char *url = NULL, line[256];
    CURL *curl = transport->curl;
    CURLcode code;
    int result = 0;

    if (asprintf(&url, "%s%s", transport->base_url, path) < 0)
        return TRANSPORT_ERROR_NO_MEMORY;
    transport->length = 0;
    transport->failed = false;
    transport->etag[0] = transport->content_type[0] = '\0';
    if (transport->authorization != NULL)
        headers = curl_slist_append(headers, transport->authorization);
    if (body != NULL)
        headers = curl_slist_append(headers, "Content-Type: " WIRE_JSON_TYPE);
    if (idempotency_key != NULL) {
        snprintf(line, sizeof(line), WIRE_IDEMPOTENCY_HEADER ": %s", idempotency_key);
        headers = curl_slist_append(headers, line);
    }
    if (if_none_match != NULL) {
        snprintf(line, sizeof(line), "If-None-Match: %s", if_none_match);
        headers = curl_slist_append(headers, line);
    }
    /* The same handle each time, so one connection serves the whole run. */
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, transport);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, transport);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT,
                     timeout_seconds > 0 ? timeout_seconds : TOTAL_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "parkshare-cli/" PARKSHARE_VERSION);
    code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        snprintf(error, error_size, "%s: %s", url, curl_easy_strerror(code));
        result = transport->failed ? TRANSPORT_ERROR_NO_MEMORY : TRANSPORT_ERROR_NETWORK;
    } else {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer->status);
        answer->body = transport->body ? transport->body : "";
        answer->length = transport->length;
        answer->content_type = transport->content_type;
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(headers);
    free(url);
    return result;
}

const char *transport_etag(const struct transport *transport)
{
    return transport->etag[0] ? transport->etag : NULL;
}
