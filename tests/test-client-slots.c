/* test-client-slots.c: connection and stream caps, in all and per client address (IPv6 by /64). */
#include "check.h"
#include "client_slots.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static struct client_slots_key key_of(const char *text)
{
    struct sockaddr_storage storage;
    struct client_slots_key key;

    memset(&storage, 0, sizeof(storage));
    if (strchr(text, ':') != NULL) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
        v6->sin6_family = AF_INET6;
        CHECK_INT_EQ(inet_pton(AF_INET6, text, &v6->sin6_addr), 1);
    } else {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
        v4->sin_family = AF_INET;
        CHECK_INT_EQ(inet_pton(AF_INET, text, &v4->sin_addr), 1);
    }
    client_slots_key_of((struct sockaddr *)&storage, &key);
    return key;
}

static bool same_key(const char *a, const char *b)
{
    struct client_slots_key first = key_of(a), second = key_of(b);
    return memcmp(&first, &second, sizeof(first)) == 0;
}

static void test_keys(void)
{
    /* One IPv6 /64 is one client; the next /64 is another. */
    CHECK(same_key("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"));
    CHECK(!same_key("2001:db8:1:2::1", "2001:db8:1:3::1"));
    /* IPv4 addresses are whole; a mapped IPv4 address is the IPv4 client. */
    CHECK(!same_key("192.0.2.1", "192.0.2.2"));
    CHECK(same_key("192.0.2.1", "::ffff:192.0.2.1"));
    CHECK(!same_key("::ffff:192.0.2.1", "::ffff:192.0.2.2"));
    CHECK(!same_key("192.0.2.1", "::1"));
}

static void test_per_client_cap_and_release(void)
{
    struct client_slots_caps connections = {10, 4}, streams = {10, 2};
    struct client_slots *slots = client_slots_new(connections, streams);
    struct client_slots_key first = key_of("192.0.2.1"), second = key_of("192.0.2.2");
    struct client_slot *open[4], *other, *refused = NULL;

    for (int i = 0; i < 4; i++)
        CHECK_INT_EQ(client_slots_open(slots, &first, false, &open[i]), 0);
    CHECK(open[0] == open[3]);
    CHECK_INT_EQ(client_slots_client_connections(open[0]), 4);
    /* The fifth connection of one address is refused and not counted. */
    CHECK_INT_EQ(client_slots_open(slots, &first, false, &refused), CLIENT_SLOTS_ERROR_CLIENT_FULL);
    CHECK(refused == NULL);
    CHECK_INT_EQ(client_slots_connections(slots), 4);
    /* Another address has its own count. */
    CHECK_INT_EQ(client_slots_open(slots, &second, false, &other), 0);
    CHECK_INT_EQ(client_slots_client_connections(other), 1);
    /* Closing one lets a new one in. */
    client_slots_close(slots, open[3]);
    CHECK_INT_EQ(client_slots_open(slots, &first, false, &open[3]), 0);
    CHECK_INT_EQ(client_slots_connections(slots), 5);
    /* Streams: two per client, released one by one. */
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[0]), 0);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[1]), 0);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[2]), CLIENT_SLOTS_ERROR_CLIENT_FULL);
    CHECK_INT_EQ(client_slots_client_streams(open[0]), 2);
    CHECK_INT_EQ(client_slots_claim_stream(slots, other), 0);
    CHECK_INT_EQ(client_slots_streams(slots), 3);
    client_slots_release_stream(slots, open[1]);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[2]), 0);
    CHECK_INT_EQ(client_slots_streams(slots), 3);
    /* The last connection of an address forgets it; the address starts from zero again. */
    client_slots_close(slots, other);
    CHECK_INT_EQ(client_slots_open(slots, &second, false, &other), 0);
    CHECK_INT_EQ(client_slots_client_connections(other), 1);
    CHECK_INT_EQ(client_slots_client_streams(other), 0);
    client_slots_free(slots);
    client_slots_free(NULL);
}

static void test_total_caps(void)
{
    struct client_slots_caps connections = {3, 3}, streams = {2, 2};
    struct client_slots *slots = client_slots_new(connections, streams);
    struct client_slots_key keys[4] = {key_of("10.0.0.1"), key_of("10.0.0.2"),
                                       key_of("2001:db8::1"), key_of("2001:db8:0:1::1")};
    struct client_slot *open[4] = {NULL};

    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(client_slots_open(slots, &keys[i], false, &open[i]), 0);
    /* A fresh address is refused too once the total is reached. */
    CHECK_INT_EQ(client_slots_open(slots, &keys[3], false, &open[3]), CLIENT_SLOTS_ERROR_FULL);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[0]), 0);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[1]), 0);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[2]), CLIENT_SLOTS_ERROR_FULL);
    client_slots_release_stream(slots, open[0]);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[2]), 0);
    client_slots_close(slots, open[0]);
    CHECK_INT_EQ(client_slots_open(slots, &keys[3], false, &open[3]), 0);
    CHECK_INT_EQ(client_slots_connections(slots), 3);
    client_slots_free(slots);
}

/* Many addresses in the same table: each is counted apart, all are forgotten at zero. */
/* A trusted proxy carries many clients: only the totals hold for it. */
static void test_exempt_address(void)
{
    struct client_slots_caps connections = {6, 2}, streams = {3, 1};
    struct client_slots *slots = client_slots_new(connections, streams);
    struct client_slots_key proxy = key_of("10.0.0.9"), other = key_of("10.0.0.8");
    struct client_slot *open[6] = {NULL};

    for (int i = 0; i < 5; i++)
        CHECK_INT_EQ(client_slots_open(slots, &proxy, true, &open[i]), 0);
    CHECK_INT_EQ(client_slots_client_connections(open[0]), 5);
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(client_slots_claim_stream(slots, open[i]), 0);
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[3]), CLIENT_SLOTS_ERROR_FULL);
    CHECK_INT_EQ(client_slots_open(slots, &proxy, true, &open[5]), 0);
    CHECK_INT_EQ(client_slots_open(slots, &other, false, &open[5]), CLIENT_SLOTS_ERROR_FULL);
    client_slots_close(slots, open[4]);
    CHECK_INT_EQ(client_slots_open(slots, &other, false, &open[4]), 0);
    CHECK_INT_EQ(client_slots_open(slots, &other, false, &open[4]), CLIENT_SLOTS_ERROR_FULL);
    client_slots_free(slots);
}

static void test_many_addresses(void)
{
    struct client_slots_caps connections = {100000, 1}, streams = {0, 1};
    struct client_slots *slots = client_slots_new(connections, streams);
    static struct client_slot *open[20000];
    int opened = 0;

    for (int i = 0; i < 20000; i++) {
        struct sockaddr_in address = {.sin_family = AF_INET,
                                      .sin_addr.s_addr = htonl(0x0a000000u + (unsigned)i)};
        struct client_slots_key key;
        client_slots_key_of((struct sockaddr *)&address, &key);
        opened += client_slots_open(slots, &key, false, &open[i]) == 0;
    }
    CHECK_INT_EQ(opened, 20000);
    CHECK_INT_EQ(client_slots_connections(slots), 20000);
    /* max_streams 0: no stream at all. */
    CHECK_INT_EQ(client_slots_claim_stream(slots, open[0]), CLIENT_SLOTS_ERROR_FULL);
    for (int i = 0; i < 20000; i++)
        client_slots_close(slots, open[i]);
    CHECK_INT_EQ(client_slots_connections(slots), 0);
    client_slots_free(slots);
}

int main(void)
{
    RUN_TEST(test_keys);
    RUN_TEST(test_per_client_cap_and_release);
    RUN_TEST(test_total_caps);
    RUN_TEST(test_exempt_address);
    RUN_TEST(test_many_addresses);
    return check_exit_status();
}
