/* client_address.c: who is asking: trusted proxy lists, X-Forwarded-For, limiter keys; pure. */
#include "client_address.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One address or block; an IPv4 one keeps its 4 bytes first. */
struct entry {
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
    unsigned prefix; /* bits that must match: 32 or 128 for a single address */
};

struct client_address_list {
    size_t count;
    struct entry entries[];
};

static const unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Parse length bytes of a bare numeric address; ::ffff:a.b.c.d becomes IPv4. */
static bool parse_address(const char *text, size_t length, struct entry *out)
{
    char copy[INET6_ADDRSTRLEN + 1];

    if (length == 0 || length >= sizeof(copy))
        return false;
    memcpy(copy, text, length);
    copy[length] = '\0';
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, copy, out->bytes) == 1) {
        out->family = AF_INET;
        out->prefix = 32;
        return true;
    }
    if (inet_pton(AF_INET6, copy, out->bytes) != 1)
        return false;
    if (memcmp(out->bytes, mapped_prefix, sizeof(mapped_prefix)) == 0) {
        memmove(out->bytes, out->bytes + 12, 4);
        memset(out->bytes + 4, 0, 12);
        out->family = AF_INET;
        out->prefix = 32;
        return true;
    }
    out->family = AF_INET6;
    out->prefix = 128;
    return true;
}

/* An address, or an address and "/bits" within its family's width. */
static bool parse_block(const char *text, size_t length, struct entry *out)
{
    const char *slash = memchr(text, '/', length);
    size_t digits = slash ? length - (size_t)(slash - text) - 1 : 0;
    unsigned bits = 0;

    if (!parse_address(text, slash ? (size_t)(slash - text) : length, out))
        return false;
    if (slash == NULL)
        return true;
    if (digits == 0 || digits > 3)
        return false;
    for (size_t i = 0; i < digits; i++) {
        char c = slash[1 + i];
        if (c < '0' || c > '9')
            return false;
        bits = bits * 10 + (unsigned)(c - '0');
    }
    /* A mapped block's bits counted the 96 bits of its prefix. */
    if (out->family == AF_INET && memchr(text, ':', (size_t)(slash - text)) != NULL) {
        if (bits < 96)
            return false;
        bits -= 96;
    }
    if (bits > out->prefix)
        return false;
    out->prefix = bits;
    return true;
}

static bool is_separator(char c)
{
    return c == ' ' || c == '\t' || c == ',';
}

int client_address_list_parse(const char *text, struct client_address_list **out, char *error,
                              size_t error_size)
{
    size_t capacity = 0;
    struct client_address_list *list;
    const char *p;

    for (p = text ? text : ""; *p; p++)
        capacity += !is_separator(*p) && (p == text || is_separator(p[-1]));
    list = calloc(1, sizeof(*list) + capacity * sizeof(struct entry));
    if (list == NULL)
        return CLIENT_ADDRESS_ERROR_NO_MEMORY;
    for (p = text ? text : ""; *p;) {
        size_t length = 0;
        if (is_separator(*p)) {
            p++;
            continue;
        }
        while (p[length] && !is_separator(p[length]))
            length++;
        if (!parse_block(p, length, &list->entries[list->count])) {
            snprintf(error, error_size, "'%.*s' is not an address or CIDR block",
                     length > 80 ? 80 : (int)length, p);
            free(list);
            return CLIENT_ADDRESS_ERROR_INVALID;
        }
        list->count++;
        p += length;
    }
    *out = list;
    return 0;
}

void client_address_list_free(struct client_address_list *list)
{
    free(list);
}

size_t client_address_list_count(const struct client_address_list *list)
{
    return list ? list->count : 0;
}

static bool block_contains(const struct entry *block, const struct entry *address)
{
    unsigned whole = block->prefix / 8, rest = block->prefix % 8;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));

    if (block->family != address->family || memcmp(block->bytes, address->bytes, whole) != 0)
        return false;
    return rest == 0 || ((block->bytes[whole] ^ address->bytes[whole]) & mask) == 0;
}

static bool list_contains(const struct client_address_list *list, const struct entry *address)
{
    for (size_t i = 0; list != NULL && i < list->count; i++) {
        if (block_contains(&list->entries[i], address))
            return true;
    }
    return false;
}

bool client_address_list_contains(const struct client_address_list *list, const char *address)
{
    struct entry parsed;
    return address != NULL && parse_address(address, strlen(address), &parsed) &&
           list_contains(list, &parsed);
}

static bool all_digits(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
    }
    return length > 0 && length <= 5;
}

/* One X-Forwarded-For entry, without its spaces: an address, "[v6]", "[v6]:port" or "v4:port". */
static bool parse_forwarded_entry(const char *text, size_t length, struct entry *out)
{
    const char *close, *colon;

    while (length > 0 && (*text == ' ' || *text == '\t'))
        text++, length--;
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
        length--;
    if (length > 0 && text[0] == '[') {
        close = memchr(text, ']', length);
        if (close == NULL)
            return false;
        if ((size_t)(close - text) + 1 < length &&
            (close[1] != ':' || !all_digits(close + 2, length - (size_t)(close - text) - 2)))
            return false;
        return parse_address(text + 1, (size_t)(close - text) - 1, out) && out->family == AF_INET6;
    }
    colon = memchr(text, ':', length);
    if (colon != NULL && memchr(colon + 1, ':', length - (size_t)(colon - text) - 1) == NULL) {
        if (!all_digits(colon + 1, length - (size_t)(colon - text) - 1))
            return false;
        return parse_address(text, (size_t)(colon - text), out) && out->family == AF_INET;
    }
    return parse_address(text, length, out);
}

static void format_entry(const struct entry *entry, char *out)
{
    if (inet_ntop(entry->family, entry->bytes, out, CLIENT_ADDRESS_SIZE) == NULL)
        out[0] = '\0';
}

enum walk {
    WALK_ON,     /* every entry of the line was a trusted hop */
    WALK_FOUND,  /* an untrusted entry: the client */
    WALK_STOPPED /* an empty or malformed entry */
};

/* Walk one header line right to left; *candidate is the last good entry seen. */
static enum walk walk_line(const struct client_address_list *trusted, const char *line,
                           struct entry *candidate)
{
    size_t end = strlen(line);

    for (;;) {
        size_t start = end;
        struct entry entry;
        while (start > 0 && line[start - 1] != ',')
            start--;
        if (!parse_forwarded_entry(line + start, end - start, &entry))
            return WALK_STOPPED;
        *candidate = entry;
        if (!list_contains(trusted, &entry))
            return WALK_FOUND;
        if (start == 0)
            return WALK_ON;
        end = start - 1;
    }
}

void client_address_resolve(const struct client_address_list *trusted, const char *peer,
                            const char *const *forwarded, size_t count, char *out)
{
    struct entry candidate;
    enum walk walk = WALK_ON;

    if (!parse_address(peer, strlen(peer), &candidate)) {
        snprintf(out, CLIENT_ADDRESS_SIZE, "%s", peer);
        return;
    }
    if (list_contains(trusted, &candidate)) {
        for (size_t i = count; i > 0 && walk == WALK_ON; i--)
            walk = walk_line(trusted, forwarded[i - 1], &candidate);
    }
    format_entry(&candidate, out);
}

int client_address_limit_key(const char *address, char *out)
{
    struct entry entry;
    size_t length;

    if (!parse_address(address, strlen(address), &entry)) {
        snprintf(out, CLIENT_ADDRESS_SIZE, "%s", address);
        return CLIENT_ADDRESS_ERROR_INVALID;
    }
    if (entry.family == AF_INET6)
        memset(entry.bytes + 8, 0, 8);
    format_entry(&entry, out);
    length = strlen(out);
    if (entry.family == AF_INET6)
        snprintf(out + length, CLIENT_ADDRESS_SIZE - length, "/64");
    return 0;
}
