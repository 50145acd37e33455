/* http_request.c: a strict HTTP/1.1 request-head parser (RFC 9112); pure, no I/O. */
#include "http_request.h"

#include <string.h>
#include <strings.h>

/* Where the parse is in the bytes, and what it refuses with. */
struct cursor {
    const char *bytes;
    size_t length;
    size_t position;
    struct http_request_refusal *refusal;
};

static int refuse(struct cursor *cursor, int status, const char *reason)
{
    *cursor->refusal = (struct http_request_refusal){status, reason};
    return HTTP_REQUEST_REFUSED;
}

/* RFC 9110 5.6.2: tchar. */
static bool is_token_char(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (!is_token_char((unsigned char)text[i]))
            return false;
    }
    return length > 0;
}

static bool is_whitespace(char c)
{
    return c == ' ' || c == '\t';
}

/* field-vchar, SP, HTAB and obs-text: everything but the controls (NUL, CR, LF, DEL...). */
static bool is_value_char(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool equals_ignoring_case(const char *text, size_t length, const char *word)
{
    return strlen(word) == length && strncasecmp(text, word, length) == 0;
}

/*
 * The next line: its start and length without the CRLF, the cursor moved
 * past it. A bare CR anywhere, or an LF without its CR, is refused as soon
 * as it is seen, so a client that speaks LF-only HTTP is told at once.
 */
static int next_line(struct cursor *cursor, const char **line, size_t *line_length)
{
    const char *start = cursor->bytes + cursor->position;
    size_t available = cursor->length - cursor->position;
    const char *newline = memchr(start, '\n', available);
    size_t checked = newline ? (size_t)(newline - start) : available;

    /* The last byte before an LF, or of an incomplete line, may be the CR of the CRLF. */
    if (checked > 0 && memchr(start, '\r', checked - 1) != NULL)
        return refuse(cursor, 400, "a bare CR in the head; lines end in CRLF");
    if (newline == NULL) {
        if (cursor->length >= HTTP_REQUEST_MAX_HEAD)
            return refuse(cursor, 431, "the request head is over 16384 bytes");
        return HTTP_REQUEST_INCOMPLETE;
    }
    if (checked == 0 || start[checked - 1] != '\r')
        return refuse(cursor, 400, "a bare LF in the head; lines end in CRLF");
    if (cursor->position + checked + 1 > HTTP_REQUEST_MAX_HEAD)
        return refuse(cursor, 431, "the request head is over 16384 bytes");
    *line = start;
    *line_length = checked - 1;
    cursor->position += checked + 1;
    return 0;
}

static enum http_request_method method_of(const char *text, size_t length)
{
    static const struct {
        const char *name;
        enum http_request_method method;
    } known[] = {{"GET", HTTP_METHOD_GET},
                 {"HEAD", HTTP_METHOD_HEAD},
                 {"POST", HTTP_METHOD_POST},
                 {"PUT", HTTP_METHOD_PUT},
                 {"DELETE", HTTP_METHOD_DELETE}};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        /* Methods are case-sensitive (RFC 9110 9.1). */
        if (strlen(known[i].name) == length && memcmp(known[i].name, text, length) == 0)
            return known[i].method;
    }
    return HTTP_METHOD_OTHER;
}

/* "HTTP/" DIGIT "." DIGIT: 1.0 and 1.1 are served, any other version is 505. */
static int parse_version(struct cursor *cursor, const char *text, size_t length,
                         struct http_request *request)
{
    if (length != 8 || memcmp(text, "HTTP/", 5) != 0 || text[5] < '0' || text[5] > '9' ||
        text[6] != '.' || text[7] < '0' || text[7] > '9')
        return refuse(cursor, 400, "malformed HTTP version in the request line");
    if (text[5] != '1' || (text[7] != '0' && text[7] != '1'))
        return refuse(cursor, 505, "only HTTP/1.0 and HTTP/1.1 are served");
    request->minor_version = text[7] - '0';
    return 0;
}

/*
 * Origin form ("/path?query"); absolute form ("http://host/path"), which
 * RFC 9112 3.2.2 says a server must accept, reduced to its path and query
 * (it needs a path: the daemon has nothing to answer at a bare authority
 * with a query); "*" for OPTIONS; anything for CONNECT (authority form),
 * which is answered 405 before its target matters.
 */
static int parse_target_form(struct cursor *cursor, struct http_request *request)
{
    const char *target = request->target, *authority, *path;
    size_t length = request->target_length, scheme;

    if (target[0] == '/' ||
        (request->method_length == 7 && memcmp(request->method_text, "CONNECT", 7) == 0))
        return 0;
    if (length == 1 && target[0] == '*') {
        if (request->method_length == 7 && memcmp(request->method_text, "OPTIONS", 7) == 0)
            return 0;
        return refuse(cursor, 400, "the target '*' is for OPTIONS only");
    }
    scheme = length > 7 && strncasecmp(target, "http://", 7) == 0    ? 7
             : length > 8 && strncasecmp(target, "https://", 8) == 0 ? 8
                                                                     : 0;
    if (scheme == 0)
        return refuse(cursor, 400, "the request target must be a path");
    authority = target + scheme;
    path = memchr(authority, '/', length - scheme);
    if (path == NULL || memchr(authority, '?', (size_t)(path - authority)) != NULL)
        return refuse(cursor, 400, "an absolute-form request target needs a path");
    request->target_length = length - (size_t)(path - target);
    request->target = path;
    return 0;
}

/* method SP request-target SP HTTP-version, nothing more, nothing less. */
static int parse_request_line(struct cursor *cursor, const char *line, size_t length,
                              struct http_request *request)
{
    const char *end = line + length, *first = memchr(line, ' ', length), *second;
    int result;

    if (first == NULL)
        return refuse(cursor, 400, "malformed request line");
    second = memchr(first + 1, ' ', (size_t)(end - first - 1));
    if (second == NULL)
        return refuse(cursor, 400, "malformed request line");
    if (!is_token(line, (size_t)(first - line)))
        return refuse(cursor, 400, "malformed method in the request line");
    request->method_text = line;
    request->method_length = (size_t)(first - line);
    request->method = method_of(line, request->method_length);
    request->target = first + 1;
    request->target_length = (size_t)(second - first - 1);
    if (request->target_length == 0)
        return refuse(cursor, 400, "malformed request line");
    for (size_t i = 0; i < request->target_length; i++) {
        unsigned char c = (unsigned char)request->target[i];
        if (c <= 0x20 || c >= 0x7f)
            return refuse(cursor, 400, "malformed request target");
    }
    result = parse_version(cursor, second + 1, (size_t)(end - second - 1), request);
    return result != 0 ? result : parse_target_form(cursor, request);
}

/* name ":" OWS value OWS, the name a token right against its colon. */
static int parse_field(struct cursor *cursor, const char *line, size_t length,
                       struct http_request *request)
{
    const char *colon = memchr(line, ':', length), *value, *end = line + length;
    struct http_request_header *header;

    if (is_whitespace(line[0]))
        return refuse(cursor, 400, "obs-fold: a field line may not start with whitespace");
    if (colon == NULL)
        return refuse(cursor, 400, "a field line without a colon");
    if (colon > line && is_whitespace(colon[-1]))
        return refuse(cursor, 400, "whitespace between a field name and its colon");
    if (!is_token(line, (size_t)(colon - line)))
        return refuse(cursor, 400, "malformed field name");
    for (value = colon + 1; value < end && is_whitespace(*value); value++)
        ;
    while (end > value && is_whitespace(end[-1]))
        end--;
    for (const char *c = value; c < end; c++) {
        if (!is_value_char((unsigned char)*c))
            return refuse(cursor, 400, "a control character in a field value");
    }
    if (request->header_count == HTTP_REQUEST_MAX_HEADERS)
        return refuse(cursor, 431, "more than 100 header fields");
    header = &request->headers[request->header_count++];
    *header =
        (struct http_request_header){line, (size_t)(colon - line), value, (size_t)(end - value)};
    return 0;
}

const struct http_request_header *http_request_find(const struct http_request *request,
                                                    const char *name,
                                                    const struct http_request_header *after)
{
    const struct http_request_header *header = after ? after + 1 : request->headers;
    for (; header < request->headers + request->header_count; header++) {
        if (equals_ignoring_case(header->name, header->name_length, name))
            return header;
    }
    return NULL;
}

/*
 * Content-Length: digits only; a list ("5, 5") or several fields are
 * accepted when every value is the same (RFC 9112 6.3), any difference
 * is refused: two framings of one message are how requests are smuggled.
 */
static int parse_one_length(struct cursor *cursor, const char *text, size_t length,
                            struct http_request *request)
{
    uint64_t value = 0;

    if (length == 0 || length > 18)
        return refuse(cursor, 400, "malformed Content-Length");
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return refuse(cursor, 400, "malformed Content-Length");
        value = value * 10 + (uint64_t)(text[i] - '0');
    }
    if (request->has_content_length && request->content_length != value)
        return refuse(cursor, 400, "conflicting Content-Length headers");
    request->has_content_length = true;
    request->content_length = value;
    return 0;
}

static int parse_content_length(struct cursor *cursor, struct http_request *request)
{
    const struct http_request_header *header = NULL;

    while ((header = http_request_find(request, "Content-Length", header)) != NULL) {
        const char *item = header->value, *end = header->value + header->value_length;
        while (true) {
            const char *comma = memchr(item, ',', (size_t)(end - item));
            const char *stop = comma ? comma : end;
            const char *last = stop;
            int result;
            while (last > item && is_whitespace(last[-1]))
                last--;
            result = parse_one_length(cursor, item, (size_t)(last - item), request);
            if (result != 0)
                return result;
            if (comma == NULL)
                break;
            for (item = comma + 1; item < end && is_whitespace(*item); item++)
                ;
        }
    }
    return 0;
}

/* Whether a comma-separated field (Connection) lists word, in any case. */
static bool lists(const struct http_request *request, const char *name, const char *word)
{
    const struct http_request_header *header = NULL;

    while ((header = http_request_find(request, name, header)) != NULL) {
        const char *item = header->value, *end = header->value + header->value_length;
        while (item < end) {
            const char *comma = memchr(item, ',', (size_t)(end - item));
            const char *stop = comma ? comma : end, *last = stop;
            while (item < stop && is_whitespace(*item))
                item++;
            while (last > item && is_whitespace(last[-1]))
                last--;
            if (equals_ignoring_case(item, (size_t)(last - item), word))
                return true;
            item = stop + (comma != NULL);
        }
    }
    return false;
}

/* What the fields mean for framing and the connection, once they are all read. */
static int interpret_fields(struct cursor *cursor, struct http_request *request)
{
    const struct http_request_header *expect;
    int result;

    /* Bodies are taken by Content-Length only: see docs/architecture.md. */
    if (http_request_find(request, "Transfer-Encoding", NULL) != NULL)
        return refuse(cursor, 411, "Transfer-Encoding is not accepted; send Content-Length");
    result = parse_content_length(cursor, request);
    if (result != 0)
        return result;
    if (lists(request, "Connection", "close"))
        request->keep_alive = false;
    else if (request->minor_version == 1)
        request->keep_alive = true;
    else
        request->keep_alive = lists(request, "Connection", "keep-alive");
    expect = http_request_find(request, "Expect", NULL);
    request->expect_continue =
        request->minor_version == 1 && expect != NULL &&
        equals_ignoring_case(expect->value, expect->value_length, "100-continue");
    return 0;
}

int http_request_parse(const char *bytes, size_t length, struct http_request *request,
                       struct http_request_refusal *refusal)
{
    struct cursor cursor = {bytes, length, 0, refusal};
    const char *line = NULL;
    size_t line_length = 0;
    int result;

    request->header_count = 0;
    request->has_content_length = false;
    request->content_length = 0;
    /* RFC 9112 2.2: empty lines before the request line are skipped. */
    do {
        result = next_line(&cursor, &line, &line_length);
        if (result != 0)
            return result;
    } while (line_length == 0);
    result = parse_request_line(&cursor, line, line_length, request);
    while (result == 0) {
        result = next_line(&cursor, &line, &line_length);
        if (result != 0 || line_length == 0)
            break;
        result = parse_field(&cursor, line, line_length, request);
    }
    if (result != 0)
        return result;
    request->head_length = cursor.position;
    return interpret_fields(&cursor, request);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t http_request_percent_decode(const char *text, size_t length, char *out, bool plus)
{
    size_t written = 0;

    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (c == '+' && plus) {
            c = ' ';
        } else if (c == '%' && i + 2 < length && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            c = (char)(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        }
        out[written++] = c;
    }
    out[written] = '\0';
    return written;
}
