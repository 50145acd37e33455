/* test-client-address.c: proxy lists, X-Forwarded-For resolution and limiter keys. */
#include "check.h"
#include "client_address.h"

#include <stdio.h>
#include <string.h>

static struct client_address_list *parse_ok(const char *text)
{
    struct client_address_list *list = NULL;
    char error[128] = "";
    CHECK_INT_EQ(client_address_list_parse(text, &list, error, sizeof(error)), 0);
    CHECK_STR_EQ(error, "");
    return list;
}

static void check_refused(const char *text, const char *message)
{
    struct client_address_list *list = NULL;
    char error[128] = "";
    CHECK_INT_EQ(client_address_list_parse(text, &list, error, sizeof(error)),
                 CLIENT_ADDRESS_ERROR_INVALID);
    CHECK(list == NULL);
    CHECK_STR_EQ(error, message);
}

static void test_parse_lists(void)
{
    struct client_address_list *list = parse_ok(" 127.0.0.1, 10.0.0.0/8\t::1,,fd00::/8 ");
    CHECK_INT_EQ(client_address_list_count(list), 4);
    client_address_list_free(list);
    list = parse_ok("");
    CHECK_INT_EQ(client_address_list_count(list), 0);
    client_address_list_free(list);
    list = parse_ok(NULL);
    CHECK_INT_EQ(client_address_list_count(list), 0);
    client_address_list_free(list);
    client_address_list_free(NULL);
    CHECK_INT_EQ(client_address_list_count(NULL), 0);

    check_refused("10.0.0.0/33", "'10.0.0.0/33' is not an address or CIDR block");
    check_refused("127.0.0.1 ::1/129", "'::1/129' is not an address or CIDR block");
    check_refused("10.0.0.0/", "'10.0.0.0/' is not an address or CIDR block");
    check_refused("10.0.0.0/8x", "'10.0.0.0/8x' is not an address or CIDR block");
    check_refused("proxy.example", "'proxy.example' is not an address or CIDR block");
    check_refused("10.0.0.256", "'10.0.0.256' is not an address or CIDR block");
    check_refused("127.0.0.1;10.0.0.1", "'127.0.0.1;10.0.0.1' is not an address or CIDR block");
}

static void test_contains(void)
{
    struct client_address_list *list =
        parse_ok("127.0.0.1 10.0.0.0/8 192.168.1.128/25 2001:db8::/32 ::ffff:172.16.0.0/108");

    CHECK(client_address_list_contains(list, "127.0.0.1"));
    CHECK(!client_address_list_contains(list, "127.0.0.2"));
    CHECK(client_address_list_contains(list, "10.255.1.2"));
    CHECK(!client_address_list_contains(list, "11.0.0.1"));
    CHECK(client_address_list_contains(list, "192.168.1.200"));
    CHECK(!client_address_list_contains(list, "192.168.1.127"));
    CHECK(client_address_list_contains(list, "2001:db8:ffff::1"));
    CHECK(!client_address_list_contains(list, "2001:db9::1"));
    /* IPv4-mapped IPv6 is IPv4, in the list and in the address. */
    CHECK(client_address_list_contains(list, "::ffff:127.0.0.1"));
    CHECK(client_address_list_contains(list, "172.16.5.5"));
    CHECK(!client_address_list_contains(list, "172.32.0.1"));
    CHECK(!client_address_list_contains(list, "not an address"));
    CHECK(!client_address_list_contains(NULL, "127.0.0.1"));
    client_address_list_free(list);
}

static void check_resolved(const struct client_address_list *trusted, const char *peer,
                           const char *const *lines, size_t count, const char *expected)
{
    char out[CLIENT_ADDRESS_SIZE];
    memset(out, 'x', sizeof(out));
    client_address_resolve(trusted, peer, lines, count, out);
    CHECK_STR_EQ(out, expected);
}

static void test_resolve(void)
{
    struct client_address_list *trusted = parse_ok("127.0.0.1 10.0.0.0/8 ::1");
    const char *one[] = {"203.0.113.7"};
    const char *chain[] = {"198.51.100.1, 203.0.113.7, 10.0.0.5"};
    const char *lines[] = {"198.51.100.1, 203.0.113.7", "10.0.0.5"};
    const char *all_trusted[] = {"10.0.0.9, 10.0.0.5"};
    const char *bad_right[] = {"203.0.113.7, garbage"};
    const char *bad_middle[] = {"198.51.100.1, garbage, 10.0.0.5"};
    const char *empty_entry[] = {"203.0.113.7, , 10.0.0.5"};
    const char *ports[] = {"[2001:db8::7]:443, 203.0.113.9:5000"};
    const char *ipv6[] = {"2001:DB8:0:0::7"};
    const char *mapped[] = {"::ffff:203.0.113.7"};
    const char *bad_port[] = {"203.0.113.7:http"};

    /* Without a trusted peer the header is ignored. */
    check_resolved(NULL, "198.51.100.2", one, 1, "198.51.100.2");
    check_resolved(trusted, "198.51.100.2", one, 1, "198.51.100.2");
    /* A trusted peer without the header is the client. */
    check_resolved(trusted, "127.0.0.1", NULL, 0, "127.0.0.1");
    check_resolved(trusted, "127.0.0.1", one, 1, "203.0.113.7");
    /* The rightmost untrusted entry: trusted hops are skipped, the client's own word is not read.
     */
    check_resolved(trusted, "127.0.0.1", chain, 1, "203.0.113.7");
    check_resolved(trusted, "127.0.0.1", lines, 2, "203.0.113.7");
    /* Every hop trusted: the leftmost hop. */
    check_resolved(trusted, "127.0.0.1", all_trusted, 1, "10.0.0.9");
    /* A malformed entry stops the walk at the last good one, or the peer. */
    check_resolved(trusted, "127.0.0.1", bad_right, 1, "127.0.0.1");
    check_resolved(trusted, "127.0.0.1", bad_middle, 1, "10.0.0.5");
    check_resolved(trusted, "127.0.0.1", empty_entry, 1, "10.0.0.5");
    check_resolved(trusted, "127.0.0.1", bad_port, 1, "127.0.0.1");
    /* Ports are dropped; addresses come out canonical; mapped IPv4 as IPv4. */
    check_resolved(trusted, "::1", ports, 1, "203.0.113.9");
    check_resolved(trusted, "::1", ipv6, 1, "2001:db8::7");
    check_resolved(trusted, "::ffff:127.0.0.1", mapped, 1, "203.0.113.7");
    check_resolved(trusted, "::ffff:198.51.100.3", NULL, 0, "198.51.100.3");
    client_address_list_free(trusted);
}

static void check_key(const char *address, int result, const char *expected)
{
    char out[CLIENT_ADDRESS_SIZE];
    CHECK_INT_EQ(client_address_limit_key(address, out), result);
    CHECK_STR_EQ(out, expected);
}

static void test_limit_keys(void)
{
    check_key("203.0.113.7", 0, "203.0.113.7");
    check_key("::ffff:203.0.113.7", 0, "203.0.113.7");
    check_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 0, "2001:db8:1:2::/64");
    check_key("2001:db8:1:2::1", 0, "2001:db8:1:2::/64");
    check_key("2001:db8:1:3::1", 0, "2001:db8:1:3::/64");
    check_key("::1", 0, "::/64");
    check_key("unix", CLIENT_ADDRESS_ERROR_INVALID, "unix");
}

int main(void)
{
    RUN_TEST(test_parse_lists);
    RUN_TEST(test_contains);
    RUN_TEST(test_resolve);
    RUN_TEST(test_limit_keys);
    return check_exit_status();
}
