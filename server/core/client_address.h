/* client_address.h: who is asking: trusted proxy lists, X-Forwarded-For, limiter keys; pure. */
#ifndef PARKSHARE_CLIENT_ADDRESS_H
#define PARKSHARE_CLIENT_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Room for an address in text, or a limiter key ("2001:db8:1:2::/64"), with its NUL. */
#define CLIENT_ADDRESS_SIZE 64

enum client_address_error {
    CLIENT_ADDRESS_ERROR_INVALID = -1, /* an entry is not an address or CIDR block */
    CLIENT_ADDRESS_ERROR_NO_MEMORY = -2,
};

/* A list of IPv4 and IPv6 addresses and CIDR blocks (e.g. trusted proxies). */
struct client_address_list;

/*
 * Parse text: addresses and CIDR blocks ("127.0.0.1 10.0.0.0/8, ::1
 * fd00::/8") separated by spaces, tabs or commas. NULL or blank text is the
 * empty list. IPv4-mapped IPv6 entries (::ffff:10.0.0.1) are taken as IPv4.
 * Returns 0 with *out owned by the caller, CLIENT_ADDRESS_ERROR_INVALID with
 * error naming the entry ("'10.0.0.0/33' is not an address or CIDR block"),
 * or CLIENT_ADDRESS_ERROR_NO_MEMORY.
 */
int client_address_list_parse(const char *text, struct client_address_list **out, char *error,
                              size_t error_size);

/* Free; accepts NULL. */
void client_address_list_free(struct client_address_list *list);

/* The number of entries (0 for NULL). */
size_t client_address_list_count(const struct client_address_list *list);

/* Whether address (numeric text) is in list; false for NULL or a malformed address. */
bool client_address_list_contains(const struct client_address_list *list, const char *address);

/*
 * The client of a request that came from peer (numeric text) with the
 * X-Forwarded-For header values forwarded[0..count) in the order they came,
 * written into out (CLIENT_ADDRESS_SIZE bytes) in canonical text form.
 *
 * When peer is not in trusted (or trusted is NULL or empty), the header is
 * ignored and the client is peer. Otherwise the header lines are read as
 * one comma-separated list, right to left: each trusted entry is one more
 * proxy hop and becomes the candidate; the first untrusted entry is the
 * client. An empty or malformed entry stops the walk (everything to its
 * left is the client's own word): the client is then the last candidate,
 * i.e. the leftmost trusted hop reached, or peer itself. Entries may carry
 * a port ("203.0.113.7:5000", "[2001:db8::1]:443"), which is dropped.
 */
void client_address_resolve(const struct client_address_list *trusted, const char *peer,
                            const char *const *forwarded, size_t count, char *out);

/*
 * The key limits count address under, into out (CLIENT_ADDRESS_SIZE bytes):
 * an IPv4 address as is, an IPv4-mapped IPv6 address as its IPv4 address,
 * any other IPv6 address as its /64 ("2001:db8:1:2::/64"), since one
 * subscriber usually holds a whole /64. A malformed address is its own key
 * (truncated to fit). Returns 0, or CLIENT_ADDRESS_ERROR_INVALID for a
 * malformed address.
 */
int client_address_limit_key(const char *address, char *out);

#endif
