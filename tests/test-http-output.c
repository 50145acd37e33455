/* test-http-output.c: answers the socket does not take at once: the head copied, the body kept. */
#include "check.h"
#include "http_connection.h"
#include "http_connection_private.h"
#include "http_output.h"
#include "rendered_answer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A keeper that counts: keep hands back owner (or NULL when declining), release counts. */
struct counting_owner {
    int keeps, releases;
    bool decline;
};

static void *count_keep(void *owner)
{
    struct counting_owner *counts = owner;
    counts->keeps++;
    return counts->decline ? NULL : counts;
}

static void count_release(void *token)
{
    ((struct counting_owner *)token)->releases++;
}

/* A body of length bytes, each telling its position, so order and gaps show. */
static char *patterned(size_t length)
{
    char *body = malloc(length);

    for (size_t i = 0; body != NULL && i < length; i++)
        body[i] = (char)('a' + (i * 7 + i / 251) % 26);
    return body;
}

/* A connected pair, the writing side non-blocking with a small send buffer. */
static bool socket_pair(int pair[2])
{
    int small = 4096;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0)
        return false;
    setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    return fcntl(pair[0], F_SETFL, O_NONBLOCK) == 0;
}

/* Flush and read in turns until the output drains; what was read goes into got. */
static size_t drain_into(struct http_output *output, int pair[2], char *got, size_t room)
{
    size_t length = 0;

    for (int round = 0; round < 100000; round++) {
        int flushed = http_output_flush(output, pair[0]);
        ssize_t read_now;
        CHECK(flushed >= 0);
        if (flushed != 0)
            break;
        read_now = read(pair[1], got + length, room - length);
        if (read_now <= 0)
            break;
        length += (size_t)read_now;
    }
    while (length < room) {
        ssize_t read_now = recv(pair[1], got + length, room - length, MSG_DONTWAIT);
        if (read_now <= 0)
            break;
        length += (size_t)read_now;
    }
    return length;
}

static void test_the_head_is_copied_and_the_body_kept(void)
{
    enum { body_length = 300000 };
    struct counting_owner counts = {0};
    struct http_body_keeper keeper = {count_keep, count_release, &counts};
    struct http_output output = {0};
    char *body = patterned(body_length), *got = malloc(body_length + 16);
    struct iovec parts[2] = {{"HEAD\r\n", 6}, {body, body_length}};
    int pair[2];

    CHECK(body != NULL && got != NULL && socket_pair(pair));
    /* Two bytes of the head went out at once: four are copied, the body is referenced. */
    CHECK_INT_EQ(http_output_queue(&output, parts, 2, 2, &keeper), 0);
    CHECK_INT_EQ(counts.keeps, 1);
    CHECK_INT_EQ(output.end - output.start, 4);
    CHECK(output.kept == body);
    CHECK_INT_EQ(output.kept_length, body_length);
    CHECK_INT_EQ(http_output_queued(&output), 4 + body_length);
    CHECK(!http_output_empty(&output));
    CHECK_INT_EQ(drain_into(&output, pair, got, body_length + 16), 4 + body_length);
    CHECK(memcmp(got, "AD\r\n", 4) == 0);
    CHECK(memcmp(got + 4, body, body_length) == 0);
    CHECK_INT_EQ(counts.releases, 1);
    CHECK(http_output_empty(&output));
    CHECK(output.kept == NULL && output.token == NULL);
    http_output_clear(&output);
    CHECK_INT_EQ(counts.releases, 1);
    close(pair[0]);
    close(pair[1]);
    free(body);
    free(got);
}

static void test_a_body_part_sent_is_skipped_not_kept_from_its_start(void)
{
    struct counting_owner counts = {0};
    struct http_body_keeper keeper = {count_keep, count_release, &counts};
    struct http_output output = {0};
    struct iovec parts[2] = {{"HEAD", 4}, {"0123456789", 10}};

    CHECK_INT_EQ(http_output_queue(&output, parts, 2, 7, &keeper), 0);
    CHECK_INT_EQ(output.end - output.start, 0);
    CHECK_INT_EQ(output.kept_length, 7);
    CHECK(output.kept != NULL && memcmp(output.kept, "3456789", 7) == 0);
    http_output_clear(&output);
    CHECK_INT_EQ(counts.releases, 1);
    CHECK_INT_EQ(http_output_queued(&output), 0);
}

static void test_a_keeper_that_declines_gets_a_copy(void)
{
    struct counting_owner counts = {.decline = true};
    struct http_body_keeper keeper = {count_keep, count_release, &counts};
    struct http_output output = {0};
    char body[] = "the body";
    struct iovec parts[2] = {{"H", 1}, {body, 8}};

    CHECK_INT_EQ(http_output_queue(&output, parts, 2, 0, &keeper), 0);
    CHECK_INT_EQ(counts.keeps, 1);
    CHECK(output.kept == NULL);
    CHECK_INT_EQ(output.end - output.start, 9);
    body[0] = 'X'; /* the copy does not see it */
    CHECK(memcmp(output.bytes + output.start, "Hthe body", 9) == 0);
    http_output_clear(&output);
    CHECK_INT_EQ(counts.releases, 0);
}

static void test_what_follows_a_kept_body_goes_after_it(void)
{
    struct counting_owner counts = {0};
    struct http_body_keeper keeper = {count_keep, count_release, &counts};
    struct http_output output = {0};
    struct iovec first[2] = {{"H1:", 3}, {"body-one", 8}}, second = {"tail", 4};
    char got[32] = "";
    int pair[2];

    CHECK(socket_pair(pair));
    CHECK_INT_EQ(http_output_queue(&output, first, 2, 0, &keeper), 0);
    CHECK_INT_EQ(http_output_queue(&output, &second, 1, 0, NULL), 0);
    /* The kept rest was copied ahead of the tail and its token given back at once. */
    CHECK_INT_EQ(counts.releases, 1);
    CHECK(output.kept == NULL);
    CHECK_INT_EQ(http_output_queued(&output), 15);
    CHECK_INT_EQ(drain_into(&output, pair, got, sizeof(got)), 15);
    CHECK(memcmp(got, "H1:body-onetail", 15) == 0);
    CHECK_INT_EQ(counts.releases, 1);
    http_output_clear(&output);
    close(pair[0]);
    close(pair[1]);
}

static void test_a_peer_gone_is_an_error_and_clear_releases(void)
{
    struct counting_owner counts = {0};
    struct http_body_keeper keeper = {count_keep, count_release, &counts};
    struct http_output output = {0};
    struct iovec parts[2] = {{"H", 1}, {"body", 4}};
    int pair[2];

    CHECK(socket_pair(pair));
    CHECK_INT_EQ(http_output_queue(&output, parts, 2, 0, &keeper), 0);
    close(pair[1]);
    CHECK_INT_EQ(http_output_flush(&output, pair[0]), HTTP_CONNECTION_ERROR_GONE);
    CHECK_INT_EQ(counts.releases, 0);
    http_output_clear(&output);
    CHECK_INT_EQ(counts.releases, 1);
    CHECK(http_output_empty(&output));
    close(pair[0]);
}

/* A listener whose every request is answered with one shared answer, kept by reference. */
struct served {
    struct rendered_answer *answer;
    int requests;
    size_t queued_after_first;     /* queued on the connection right after the first answer */
    size_t references_after_first; /* the answer's references then */
    bool kept_points_into_answer;  /* the queue refers to the answer's own bytes, no copy */
};

static void *hold_answer(void *answer)
{
    return rendered_answer_hold(answer);
}

static void drop_answer(void *answer)
{
    rendered_answer_drop(answer);
}

static size_t references(const struct rendered_answer *answer)
{
    return atomic_load(&answer->references);
}

static int answer_head(const struct rendered_answer *answer, char *head, size_t size)
{
    return snprintf(head, size, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
                    answer->body_length);
}

static void on_request(struct http_connection *connection, const struct http_request *request,
                       const char *body, void *data)
{
    struct served *served = data;
    struct http_body_keeper keeper = {hold_answer, drop_answer, served->answer};
    const char *bytes = served->answer->body;
    int small = 8192, length;
    char head[96];

    (void)request;
    (void)body;
    length = answer_head(served->answer, head, sizeof(head));
    /* A small send buffer: most of the body has to wait for the reader. */
    setsockopt(connection->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    http_connection_respond_kept(connection, head, (size_t)length, bytes,
                                 served->answer->body_length, &keeper, false);
    if (served->requests++ > 0)
        return;
    served->queued_after_first = http_connection_queued_bytes(connection);
    served->references_after_first = references(served->answer);
    served->kept_points_into_answer = connection->output.kept > bytes &&
                                      connection->output.kept + connection->output.kept_length ==
                                          bytes + served->answer->body_length;
}

static void on_refused(struct http_connection *connection,
                       const struct http_request_refusal *refusal, void *data)
{
    static const char refused[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    (void)refusal;
    (void)data;
    http_connection_respond(connection, refused, sizeof(refused) - 1, NULL, 0, true);
}

static struct http_connection_listener *listen_serving(struct event_base *base,
                                                       struct served *served)
{
    struct http_connection_options options = {.max_body_bytes = 1024,
                                              .idle_timeout_seconds = 30,
                                              .header_timeout_seconds = 30,
                                              .max_connections = 16,
                                              .max_connections_per_client = 16,
                                              .max_streams = 4,
                                              .max_streams_per_client = 4};
    struct http_connection_handlers handlers = {on_request, on_refused, NULL, NULL, served};
    struct http_connection_listener *listener = NULL;
    char bound[64], error[256];

    if (http_connection_listen(base, "127.0.0.1", 0, &options, &handlers, &listener, bound,
                               sizeof(bound), error, sizeof(error)) != 0)
        fprintf(stderr, "listen: %s\n", error);
    return listener;
}

/* A client with a small receive buffer (a reader that does not read), connected, non-blocking. */
static int slow_client(uint16_t port, const char *requests)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;

    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0 ||
        write(fd, requests, strlen(requests)) != (ssize_t)strlen(requests) ||
        fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Run the loop until done(served) or about ten seconds of wakeups, for a test that cannot hang. */
static void run_until(struct event_base *base, struct served *served,
                      bool (*done)(const struct served *served))
{
    struct timeval slice = {0, 100000};

    for (int round = 0; round < 100 && !done(served); round++) {
        event_base_loopexit(base, &slice);
        event_base_dispatch(base);
    }
}

static bool first_answered(const struct served *served)
{
    return served->requests >= 1;
}

static bool references_back(const struct served *served)
{
    return references(served->answer) == 1;
}

static struct rendered_answer *large_answer(size_t length)
{
    return rendered_answer_new("whole-city", patterned(length), length, NULL);
}

static void test_pipelined_answers_arrive_whole_and_in_order(struct event_base *base)
{
    enum { body_length = 1 << 20 };
    struct served served = {large_answer(body_length), 0, 0, 0, false};
    struct http_connection_listener *listener = listen_serving(base, &served);
    char head[96];
    size_t head_length = (size_t)answer_head(served.answer, head, sizeof(head));
    size_t expected = 2 * (head_length + body_length), got_length = 0;
    char *got = malloc(expected + 1);
    int fd = listener != NULL ? slow_client(http_connection_listener_port(listener),
                                            "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
                              : -1;

    CHECK(fd >= 0 && got != NULL);
    run_until(base, &served, first_answered);
    CHECK_INT_EQ(served.requests, 1); /* the second waits until the first is written */
    CHECK_INT_EQ(served.references_after_first, 2);
    CHECK(served.kept_points_into_answer);
    /* What waits is counted whole, kept or copied: most of the megabyte. */
    CHECK(served.queued_after_first > body_length / 2);
    for (int round = 0; fd >= 0 && round < 200000 && got_length < expected; round++) {
        ssize_t read_now = read(fd, got + got_length, expected + 1 - got_length);
        if (read_now == 0 || (read_now < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            break;
        if (read_now > 0)
            got_length += (size_t)read_now;
        event_base_loop(base, EVLOOP_NONBLOCK);
    }
    CHECK_INT_EQ(got_length, expected);
    CHECK_INT_EQ(served.requests, 2);
    for (int answer = 0; answer < 2 && got_length == expected; answer++) {
        const char *at = got + answer * (head_length + body_length);
        CHECK(memcmp(at, head, head_length) == 0);
        CHECK(memcmp(at + head_length, served.answer->body, body_length) == 0);
    }
    CHECK_INT_EQ(references(served.answer), 1);
    CHECK_INT_EQ(http_connection_listener_open(listener), 1); /* kept alive */
    close(fd);
    http_connection_listener_free(listener);
    rendered_answer_drop(served.answer);
    free(got);
}

static void test_a_client_gone_early_gives_the_reference_back(struct event_base *base)
{
    struct served served = {large_answer(1 << 20), 0, 0, 0, false};
    struct http_connection_listener *listener = listen_serving(base, &served);
    struct linger reset = {1, 0};
    int fd = listener != NULL
                 ? slow_client(http_connection_listener_port(listener), "GET / HTTP/1.1\r\n\r\n")
                 : -1;

    CHECK(fd >= 0);
    run_until(base, &served, first_answered);
    CHECK_INT_EQ(served.references_after_first, 2);
    CHECK_INT_EQ(references(served.answer), 2);
    /* Gone without reading: a reset, as a client that crashed or gave up. */
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    close(fd);
    run_until(base, &served, references_back);
    CHECK_INT_EQ(references(served.answer), 1);
    CHECK_INT_EQ(http_connection_listener_open(listener), 0);
    http_connection_listener_free(listener);
    rendered_answer_drop(served.answer);
}

static void test_a_listener_freed_with_a_kept_body_gives_it_back(struct event_base *base)
{
    struct served served = {large_answer(1 << 20), 0, 0, 0, false};
    struct http_connection_listener *listener = listen_serving(base, &served);
    int fd = listener != NULL
                 ? slow_client(http_connection_listener_port(listener), "GET / HTTP/1.1\r\n\r\n")
                 : -1;

    CHECK(fd >= 0);
    run_until(base, &served, first_answered);
    CHECK_INT_EQ(references(served.answer), 2);
    http_connection_listener_free(listener);
    CHECK_INT_EQ(references(served.answer), 1);
    close(fd);
    rendered_answer_drop(served.answer);
}

int main(void)
{
    struct event_base *base;

    /* A peer that has gone makes writes fail with EPIPE, as in the daemon. */
    signal(SIGPIPE, SIG_IGN);
    RUN_TEST(test_the_head_is_copied_and_the_body_kept);
    RUN_TEST(test_a_body_part_sent_is_skipped_not_kept_from_its_start);
    RUN_TEST(test_a_keeper_that_declines_gets_a_copy);
    RUN_TEST(test_what_follows_a_kept_body_goes_after_it);
    RUN_TEST(test_a_peer_gone_is_an_error_and_clear_releases);
    base = event_base_new();
    CHECK(base != NULL);
    if (base != NULL) {
        RUN_TEST_WITH(test_pipelined_answers_arrive_whole_and_in_order, base);
        RUN_TEST_WITH(test_a_client_gone_early_gives_the_reference_back, base);
        RUN_TEST_WITH(test_a_listener_freed_with_a_kept_body_gives_it_back, base);
        event_base_free(base);
    }
    return check_exit_status();
}
