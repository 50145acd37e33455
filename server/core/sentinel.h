/* sentinel.h: what Redis Sentinel says about a master: its address and its failovers. */
#ifndef PARKSHARE_SENTINEL_H
#define PARKSHARE_SENTINEL_H

#include <stddef.h>
#include <stdint.h>

enum sentinel_error {
    SENTINEL_ERROR_OTHER_MASTER = -1, /* a well-formed message about another master */
    SENTINEL_ERROR_MALFORMED = -2,    /* not "<name> <ip> <port> <ip> <port>" */
};

/* Room for any address Sentinel reports (an IPv6 address or a host name). */
#define SENTINEL_HOST_MAX 255

/*
 * Read a +switch-master message, "<name> <old ip> <old port> <new ip> <new
 * port>" (length bytes of text), about master_name: the new master's
 * address into host (SENTINEL_HOST_MAX + 1 bytes) and *port. Returns 0, or
 * a negative enum sentinel_error leaving host and *port unchanged.
 */
int sentinel_parse_switch(const char *text, size_t length, const char *master_name, char *host,
                          uint16_t *port);

/*
 * Check an address as SENTINEL get-master-addr-by-name answers it: a host
 * of 1 to SENTINEL_HOST_MAX bytes without spaces, and a port text of
 * digits from 1 to 65535, into *port. Returns 0 or SENTINEL_ERROR_MALFORMED.
 */
int sentinel_parse_address(const char *host, size_t host_length, const char *port_text,
                           uint16_t *port);

#endif
