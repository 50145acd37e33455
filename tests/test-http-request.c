/* test-http-request.c: the strict request-head parser: every form it takes, every refusal. */
#include "check.h"
#include "http_request.h"

#include <stdlib.h>

static struct http_request request;
static struct http_request_refusal refusal;

static int parse(const char *text)
{
    refusal = (struct http_request_refusal){0, NULL};
    return http_request_parse(text, strlen(text), &request, &refusal);
}

/* The head is refused with status and exactly reason. */
static void check_refused(const char *text, int status, const char *reason)
{
    int result = parse(text);
    CHECK_INT_EQ(result, HTTP_REQUEST_REFUSED);
    CHECK_INT_EQ(refusal.status, status);
    CHECK_STR_EQ(refusal.reason, reason);
    if (result != HTTP_REQUEST_REFUSED)
        fprintf(stderr, "  accepted: %s\n", text);
}

static bool text_is(const char *text, size_t length, const char *expected)
{
    return length == strlen(expected) && memcmp(text, expected, length) == 0;
}

static void test_simple_get(void)
{
    const char *head = "GET /v1/lots?city=x HTTP/1.1\r\nHost: example\r\nAccept:  */* \r\n\r\n";
    CHECK_INT_EQ(parse(head), 0);
    CHECK_INT_EQ(request.method, HTTP_METHOD_GET);
    CHECK(text_is(request.method_text, request.method_length, "GET"));
    CHECK(text_is(request.target, request.target_length, "/v1/lots?city=x"));
    CHECK_INT_EQ(request.minor_version, 1);
    CHECK_INT_EQ(request.header_count, 2);
    CHECK(text_is(request.headers[0].name, request.headers[0].name_length, "Host"));
    CHECK(text_is(request.headers[0].value, request.headers[0].value_length, "example"));
    CHECK(text_is(request.headers[1].value, request.headers[1].value_length, "*/*"));
    CHECK_INT_EQ(request.head_length, strlen(head));
    CHECK(!request.has_content_length);
    CHECK(request.keep_alive);
    CHECK(!request.expect_continue);
}

static void test_methods(void)
{
    static const struct {
        const char *head;
        enum http_request_method method;
    } cases[] = {
        {"GET / HTTP/1.1\r\n\r\n", HTTP_METHOD_GET},
        {"HEAD / HTTP/1.1\r\n\r\n", HTTP_METHOD_HEAD},
        {"POST / HTTP/1.1\r\n\r\n", HTTP_METHOD_POST},
        {"PUT / HTTP/1.1\r\n\r\n", HTTP_METHOD_PUT},
        {"DELETE / HTTP/1.1\r\n\r\n", HTTP_METHOD_DELETE},
        {"OPTIONS / HTTP/1.1\r\n\r\n", HTTP_METHOD_OTHER},
        {"PATCH / HTTP/1.1\r\n\r\n", HTTP_METHOD_OTHER},
        {"get / HTTP/1.1\r\n\r\n", HTTP_METHOD_OTHER}, /* methods are case-sensitive */
        {"X-Custom! / HTTP/1.1\r\n\r\n", HTTP_METHOD_OTHER},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_INT_EQ(parse(cases[i].head), 0);
        CHECK_INT_EQ(request.method, cases[i].method);
    }
    CHECK_INT_EQ(parse("PATCH / HTTP/1.1\r\n\r\n"), 0);
    CHECK(text_is(request.method_text, request.method_length, "PATCH"));
}

static void test_incomplete(void)
{
    static const char *const prefixes[] = {
        "",
        "G",
        "GET / HTTP/1.1",
        "GET / HTTP/1.1\r",
        "GET / HTTP/1.1\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\r",
        "\r\n", /* an empty line before the request line */
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        CHECK_INT_EQ(parse(prefixes[i]), HTTP_REQUEST_INCOMPLETE);
}

static void test_leading_empty_lines_and_what_follows(void)
{
    const char *bytes = "\r\n\r\nPOST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b";
    CHECK_INT_EQ(parse(bytes), 0);
    CHECK_INT_EQ(request.head_length, strlen(bytes) - strlen("abcGET /b"));
    CHECK(request.has_content_length);
    CHECK_INT_EQ(request.content_length, 3);
}

static void test_versions(void)
{
    CHECK_INT_EQ(parse("GET / HTTP/1.0\r\n\r\n"), 0);
    CHECK_INT_EQ(request.minor_version, 0);
    CHECK(!request.keep_alive);
    CHECK_INT_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0);
    CHECK(request.keep_alive);
    check_refused("GET / HTTP/2.0\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served");
    check_refused("GET / HTTP/1.2\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served");
    check_refused("GET / HTTP/0.9\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served");
    check_refused("GET / HTTP/1.10\r\n\r\n", 400, "malformed HTTP version in the request line");
    check_refused("GET / http/1.1\r\n\r\n", 400, "malformed HTTP version in the request line");
    check_refused("GET / HTTP/1.x\r\n\r\n", 400, "malformed HTTP version in the request line");
    check_refused("GET / HTTP/1.1 \r\n\r\n", 400, "malformed HTTP version in the request line");
    check_refused("GET / HTTP/\r\n\r\n", 400, "malformed HTTP version in the request line");
}

static void test_connection_and_expect(void)
{
    CHECK_INT_EQ(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), 0);
    CHECK(!request.keep_alive);
    CHECK_INT_EQ(parse("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n"), 0);
    CHECK(!request.keep_alive);
    CHECK_INT_EQ(parse("GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"), 0);
    CHECK(!request.keep_alive);
    CHECK_INT_EQ(parse("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n"), 0);
    CHECK(request.keep_alive);
    CHECK_INT_EQ(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), 0);
    CHECK(!request.keep_alive);
    CHECK_INT_EQ(parse("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n"), 0);
    CHECK(request.expect_continue);
    CHECK_INT_EQ(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n"), 0);
    CHECK(!request.expect_continue); /* HTTP/1.0 has no interim answers */
    CHECK_INT_EQ(parse("POST / HTTP/1.1\r\nExpect: something\r\n\r\n"), 0);
    CHECK(!request.expect_continue);
}

static void test_targets(void)
{
    CHECK_INT_EQ(parse("GET http://example.org/v1/lots?x=1 HTTP/1.1\r\n\r\n"), 0);
    CHECK(text_is(request.target, request.target_length, "/v1/lots?x=1"));
    CHECK_INT_EQ(parse("GET HTTPS://example.org:8443/ HTTP/1.1\r\n\r\n"), 0);
    CHECK(text_is(request.target, request.target_length, "/"));
    CHECK_INT_EQ(parse("OPTIONS * HTTP/1.1\r\n\r\n"), 0);
    CHECK(text_is(request.target, request.target_length, "*"));
    CHECK_INT_EQ(parse("CONNECT example.org:443 HTTP/1.1\r\n\r\n"), 0);
    CHECK(text_is(request.target, request.target_length, "example.org:443"));
    check_refused("GET * HTTP/1.1\r\n\r\n", 400, "the target '*' is for OPTIONS only");
    check_refused("GET v1/lots HTTP/1.1\r\n\r\n", 400, "the request target must be a path");
    check_refused("GET ftp://x/ HTTP/1.1\r\n\r\n", 400, "the request target must be a path");
    check_refused("GET http://x HTTP/1.1\r\n\r\n", 400,
                  "an absolute-form request target needs a path");
    check_refused("GET http://x?/a HTTP/1.1\r\n\r\n", 400,
                  "an absolute-form request target needs a path");
    check_refused("GET /a\x7f HTTP/1.1\r\n\r\n", 400, "malformed request target");
    check_refused("GET /\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "malformed request target");
    check_refused("GET /a\tb HTTP/1.1\r\n\r\n", 400, "malformed request target");
}

static void test_malformed_request_lines(void)
{
    check_refused("GET\r\n\r\n", 400, "malformed request line");
    check_refused("GET /\r\n\r\n", 400, "malformed request line"); /* HTTP/0.9 */
    check_refused("GET  / HTTP/1.1\r\n\r\n", 400, "malformed request line");
    check_refused(" GET / HTTP/1.1\r\n\r\n", 400, "malformed method in the request line");
    check_refused("G(T / HTTP/1.1\r\n\r\n", 400, "malformed method in the request line");
    check_refused("GET / HTTP/1.1\n\n", 400, "a bare LF in the head; lines end in CRLF");
    check_refused("GET / HTTP/1.1\r\nHost: x\n\r\n", 400,
                  "a bare LF in the head; lines end in CRLF");
    check_refused("\n", 400, "a bare LF in the head; lines end in CRLF");
    check_refused("GET / HT\rTP/1.1\r\n\r\n", 400, "a bare CR in the head; lines end in CRLF");
    /* Seen before the line ends: no need to wait for more. */
    check_refused("GET /\rx", 400, "a bare CR in the head; lines end in CRLF");
    check_refused("GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", 400,
                  "a bare CR in the head; lines end in CRLF");
}

static void test_malformed_fields(void)
{
    check_refused("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400,
                  "whitespace between a field name and its colon");
    check_refused("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", 400,
                  "whitespace between a field name and its colon");
    check_refused("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400,
                  "obs-fold: a field line may not start with whitespace");
    check_refused("GET / HTTP/1.1\r\n\tX: a\r\n\r\n", 400,
                  "obs-fold: a field line may not start with whitespace");
    check_refused("GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400, "a field line without a colon");
    check_refused("GET / HTTP/1.1\r\n: x\r\n\r\n", 400, "malformed field name");
    check_refused("GET / HTTP/1.1\r\nX(y): x\r\n\r\n", 400, "malformed field name");
    check_refused("GET / HTTP/1.1\r\nX\x01: x\r\n\r\n", 400, "malformed field name");
    check_refused("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", 400,
                  "a control character in a field value");
    check_refused("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400,
                  "a control character in a field value");
    /* A NUL cannot be written in a C string literal's middle: build it. */
    {
        char head[] = "GET / HTTP/1.1\r\nX: a?b\r\n\r\n";
        head[strlen("GET / HTTP/1.1\r\nX: a")] = '\0';
        refusal = (struct http_request_refusal){0, NULL};
        CHECK_INT_EQ(http_request_parse(head, sizeof(head) - 1, &request, &refusal),
                     HTTP_REQUEST_REFUSED);
        CHECK_STR_EQ(refusal.reason, "a control character in a field value");
        head[strlen("GET / HTTP/1.1\r\nX: a")] = '?';
        head[strlen("GET / HTTP/1.1\r\n")] = '\0';
        CHECK_INT_EQ(http_request_parse(head, sizeof(head) - 1, &request, &refusal),
                     HTTP_REQUEST_REFUSED);
        CHECK_STR_EQ(refusal.reason, "malformed field name");
    }
    /* Values: tabs, obs-text and an empty value are fine; surrounding whitespace goes. */
    CHECK_INT_EQ(parse("GET / HTTP/1.1\r\nX:\ta\tb \xe4\xb8\xad\t\r\nY:\r\n\r\n"), 0);
    CHECK(text_is(request.headers[0].value, request.headers[0].value_length, "a\tb \xe4\xb8\xad"));
    CHECK_INT_EQ(request.headers[1].value_length, 0);
}

static void test_content_length(void)
{
    CHECK_INT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 0);
    CHECK(request.has_content_length);
    CHECK_INT_EQ(request.content_length, 0);
    CHECK_INT_EQ(parse("POST / HTTP/1.1\r\ncontent-length: 42\r\nCONTENT-LENGTH:42\r\n\r\n"), 0);
    CHECK_INT_EQ(request.content_length, 42);
    CHECK_INT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 7 , 7,7\r\n\r\n"), 0);
    CHECK_INT_EQ(request.content_length, 7);
    CHECK_INT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 999999999999999999\r\n\r\n"), 0);
    CHECK_INT_EQ(request.content_length, 999999999999999999LL);
    check_refused("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 400,
                  "conflicting Content-Length headers");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 2, 3\r\n\r\n", 400,
                  "conflicting Content-Length headers");
    check_refused("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n", 400, "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400,
                  "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400,
                  "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400, "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3,\r\n\r\n", 400, "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3,,3\r\n\r\n", 400,
                  "malformed Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 1000000000000000000\r\n\r\n", 400,
                  "malformed Content-Length");
}

static void test_transfer_encoding(void)
{
    check_refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411,
                  "Transfer-Encoding is not accepted; send Content-Length");
    check_refused("POST / HTTP/1.1\r\nContent-Length: 3\r\ntransfer-encoding: identity\r\n\r\n",
                  411, "Transfer-Encoding is not accepted; send Content-Length");
}

static void test_limits(void)
{
    size_t size = HTTP_REQUEST_MAX_HEAD + 64;
    char *head = malloc(size + 1);
    size_t length = 0;

    CHECK(head != NULL);
    if (head == NULL)
        return;
    /* Exactly HTTP_REQUEST_MAX_HEAD bytes in all is accepted, one more is not. */
    length = (size_t)snprintf(head, size, "GET / HTTP/1.1\r\nX: ");
    memset(head + length, 'a', HTTP_REQUEST_MAX_HEAD - length - 4);
    memcpy(head + HTTP_REQUEST_MAX_HEAD - 4, "\r\n\r\n", 5);
    CHECK_INT_EQ(http_request_parse(head, HTTP_REQUEST_MAX_HEAD, &request, &refusal), 0);
    CHECK_INT_EQ(request.head_length, HTTP_REQUEST_MAX_HEAD);
    memmove(head + length + 1, head + length, HTTP_REQUEST_MAX_HEAD - length);
    CHECK_INT_EQ(http_request_parse(head, HTTP_REQUEST_MAX_HEAD + 1, &request, &refusal),
                 HTTP_REQUEST_REFUSED);
    CHECK_INT_EQ(refusal.status, 431);
    CHECK_STR_EQ(refusal.reason, "the request head is over 16384 bytes");
    /* A head that has not ended within the limit is refused without waiting for more. */
    memset(head, 'a', size);
    memcpy(head, "GET /", 5);
    CHECK_INT_EQ(http_request_parse(head, HTTP_REQUEST_MAX_HEAD - 1, &request, &refusal),
                 HTTP_REQUEST_INCOMPLETE);
    CHECK_INT_EQ(http_request_parse(head, HTTP_REQUEST_MAX_HEAD, &request, &refusal),
                 HTTP_REQUEST_REFUSED);
    CHECK_INT_EQ(refusal.status, 431);
    /* 100 fields are accepted, 101 are not. */
    length = (size_t)snprintf(head, size, "GET / HTTP/1.1\r\n");
    for (int i = 0; i < HTTP_REQUEST_MAX_HEADERS; i++)
        length += (size_t)snprintf(head + length, size - length, "X%d: y\r\n", i);
    memcpy(head + length, "\r\n", 3);
    CHECK_INT_EQ(parse(head), 0);
    CHECK_INT_EQ(request.header_count, HTTP_REQUEST_MAX_HEADERS);
    memcpy(head + length, "Z: y\r\n\r\n", 9);
    check_refused(head, 431, "more than 100 header fields");
    free(head);
}

static void test_find(void)
{
    const struct http_request_header *found;
    CHECK_INT_EQ(parse("GET / HTTP/1.1\r\nA: 1\r\nb: 2\r\nB: 3\r\nAb: 4\r\n\r\n"), 0);
    found = http_request_find(&request, "B", NULL);
    CHECK(found == &request.headers[1]);
    found = http_request_find(&request, "b", found);
    CHECK(found == &request.headers[2]);
    CHECK(http_request_find(&request, "b", found) == NULL);
    CHECK(http_request_find(&request, "A", NULL) == &request.headers[0]);
    CHECK(http_request_find(&request, "A", &request.headers[0]) == NULL);
    CHECK(http_request_find(&request, "C", NULL) == NULL);
    CHECK(http_request_find(&request, "", NULL) == NULL);
}

static void test_percent_decode(void)
{
    char out[64];
    CHECK_INT_EQ(http_request_percent_decode("a%20b+c%2Fd", 11, out, false), 7);
    CHECK_STR_EQ(out, "a b+c/d");
    CHECK_INT_EQ(http_request_percent_decode("a%20b+c", 7, out, true), 5);
    CHECK_STR_EQ(out, "a b c");
    /* A '%' without two hex digits stays; so does one at the end. */
    CHECK_INT_EQ(http_request_percent_decode("%zz%4%41%", 9, out, false), 7);
    CHECK_STR_EQ(out, "%zz%4A%");
    /* A decoded NUL: the length says more than strlen. */
    CHECK_INT_EQ(http_request_percent_decode("a%00b", 5, out, false), 3);
    CHECK_INT_EQ(strlen(out), 1);
    /* In place. */
    {
        char text[] = "%E4%B8%AD";
        CHECK_INT_EQ(http_request_percent_decode(text, strlen(text), text, false), 3);
        CHECK_STR_EQ(text, "\xe4\xb8\xad");
    }
}

int main(void)
{
    RUN_TEST(test_simple_get);
    RUN_TEST(test_methods);
    RUN_TEST(test_incomplete);
    RUN_TEST(test_leading_empty_lines_and_what_follows);
    RUN_TEST(test_versions);
    RUN_TEST(test_connection_and_expect);
    RUN_TEST(test_targets);
    RUN_TEST(test_malformed_request_lines);
    RUN_TEST(test_malformed_fields);
    RUN_TEST(test_content_length);
    RUN_TEST(test_transfer_encoding);
    RUN_TEST(test_limits);
    RUN_TEST(test_find);
    RUN_TEST(test_percent_decode);
    return check_exit_status();
}
