/* fuzz-sentinel.c: Sentinel's +switch-master messages and master addresses. */
#include "sentinel.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char host[SENTINEL_HOST_MAX + 1], port_text[16];
    uint16_t port;
    size_t port_length = size < sizeof(port_text) - 1 ? size : sizeof(port_text) - 1;

    sentinel_parse_switch((const char *)data, size, "mymaster", host, &port);
    /* The address check takes a NUL-terminated port: the first bytes, cut. */
    memcpy(port_text, data, port_length);
    port_text[port_length] = '\0';
    sentinel_parse_address((const char *)data, size, port_text, &port);
    return 0;
}
