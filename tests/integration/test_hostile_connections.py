#!/usr/bin/env python3
"""Hostile and greedy clients: a head trickled byte by byte, too many connections or streams from
one address or in all, the descriptor limit, a stream whose initial state is larger than
stream_buffer, and conflicting Content-Length headers. Measured figures go to stderr."""

import json
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, IntegrationTestCase, Wire, main, sample_lot, wait_for  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def report(text):
    print(text, file=sys.stderr, flush=True)


class HostileConnectionsTest(IntegrationTestCase):
    def start(self, **settings):
        daemon = self.daemon(settings={key: str(value) for key, value in settings.items()})
        return daemon.start()

    def wire(self, daemon, **options):
        connection = Wire(daemon.port, **options)
        self.addCleanup(connection.close)
        return connection

    def assertOverCapacity(self, status, headers, body, detail_start):
        self.assertEqual(status, 503, body)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(headers["retry-after"], "5")
        self.assertEqual(headers["connection"], "close")
        document = json.loads(body)
        self.assertEqual((document["type"], document["status"]), ("/problems/over-capacity", 503))
        self.assertEqual(document["title"], "Too many connections or streams")
        self.assertTrue(document["detail"].startswith(detail_start), document["detail"])

    def test_a_trickled_head_is_closed_at_the_header_timeout(self):
        daemon = self.start(header_timeout=2)
        slow = self.wire(daemon)
        head = b"GET /healthz HTTP/1.1\r\nHost: example.org\r\nUser-Agent: slow\r\n"
        started = time.monotonic()
        closed_after, honest = None, 0
        for byte in head:
            try:
                slow.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
            # An honest client is served meanwhile, at once.
            self.assertEqual(daemon.get("/healthz").status, 200)
            honest += 1
            if slow.is_closed(within=1.0):
                closed_after = time.monotonic() - started
                break
        report(f"a head trickled one byte a second was closed after "
               f"{'never' if closed_after is None else f'{closed_after:.2f} s'} "
               f"(header_timeout 2 s); {honest} honest requests served meanwhile")
        self.assertIsNotNone(closed_after, "the trickling client was never closed")
        self.assertGreaterEqual(closed_after, 1.8)
        self.assertLessEqual(closed_after, 4.0)
        self.assertGreaterEqual(honest, 2)

    def test_a_keep_alive_connection_idles_by_idle_timeout_then_has_header_timeout(self):
        daemon = self.start(header_timeout=1, idle_timeout=4)
        connection = self.wire(daemon)
        connection.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(connection.answer()[0], 200)
        # Idle between requests longer than header_timeout: still open.
        time.sleep(2.0)
        connection.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(connection.answer()[0], 200)
        # Half a head: closed by header_timeout, not idle_timeout.
        started = time.monotonic()
        connection.send(b"GET /healthz HTTP/1.1\r\n")
        self.assertTrue(connection.is_closed(within=3.5))
        elapsed = time.monotonic() - started
        report(f"half a head after keep-alive closed after {elapsed:.2f} s (header_timeout 1 s)")
        self.assertGreaterEqual(elapsed, 0.8)

    def test_connections_over_the_per_client_cap_get_503_and_are_closed(self):
        daemon = self.start(max_connections_per_client=4)
        served = []
        for _ in range(4):
            connection = self.wire(daemon)
            connection.send(b"GET /healthz HTTP/1.1\r\n\r\n")
            self.assertEqual(connection.answer()[0], 200)
            served.append(connection)
        fifth = self.wire(daemon)
        fifth.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertOverCapacity(*fifth.answer(), "too many connections from this address")
        self.assertTrue(fifth.is_closed(within=2))
        # Another address is not affected.
        other = self.wire(daemon, source="127.0.0.2")
        other.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(other.answer()[0], 200)
        # The served ones carry on.
        served[0].send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(served[0].answer()[0], 200)
        # Closing one lets a new one in.
        served.pop().close()

        def served_again():
            connection = Wire(daemon.port)
            try:
                connection.send(b"GET /healthz HTTP/1.1\r\n\r\n")
                return connection.answer()[0] == 200
            finally:
                connection.close()

        wait_for(served_again, timeout=5, what="a new connection to be served")
        self.assertIn("refused 1 connection(s) over a cap since the last report; the last from "
                      "127.0.0.1: too many connections from this address", daemon.log_text())

    def test_a_trusted_proxy_is_held_to_the_totals_alone(self):
        daemon = self.start(trusted_proxies="127.0.0.2", max_connections_per_client=2,
                            max_streams_per_client=1)
        # The proxy carries many clients: more than the per-client caps, connections and streams.
        for _ in range(2):
            stream = self.open_stream(daemon, source="127.0.0.2")
            self.assertEqual(stream.head()[0], 200)
        for _ in range(3):
            connection = self.wire(daemon, source="127.0.0.2")
            connection.send(b"GET /healthz HTTP/1.1\r\n\r\n")
            self.assertEqual(connection.answer()[0], 200)
        # Anyone else is still held to them. Each connection is answered (so counted) before the
        # next: with several event loops, accepts need not come in the order of the connects.
        for _ in range(2):
            held = self.wire(daemon)
            held.send(b"GET /healthz HTTP/1.1\r\n\r\n")
            self.assertEqual(held.answer()[0], 200)
        third = self.wire(daemon)
        third.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertOverCapacity(*third.answer(), "too many connections from this address")

    def open_stream(self, daemon, query="", source=None):
        connection = self.wire(daemon, source=source)
        connection.send(f"GET /v1/stream{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        return connection

    def test_streams_and_long_polls_over_their_caps_get_503(self):
        daemon = self.start(max_streams_per_client=2, max_streams=3)
        etag = daemon.get("/v1/totals").header("ETag")
        long_poll = (f"GET /v1/totals?wait=30 HTTP/1.1\r\nIf-None-Match: {etag}\r\n\r\n").encode()
        first, second = self.open_stream(daemon), self.open_stream(daemon)
        self.assertEqual(first.head()[0], 200)
        self.assertEqual(second.head()[0], 200)
        third = self.open_stream(daemon)
        self.assertOverCapacity(*third.answer(),
                                "too many event streams and long polls from this address "
                                "(at most 2)")
        self.assertTrue(third.is_closed(within=2))
        poll = self.wire(daemon)
        poll.send(long_poll)
        self.assertOverCapacity(*poll.answer(), "too many event streams and long polls")
        # Freeing one lets a new one in.
        first.close()

        def stream_served():
            connection = Wire(daemon.port)
            try:
                connection.send(b"GET /v1/stream HTTP/1.1\r\n\r\n")
                return connection.head()[0] == 200
            finally:
                connection.close()

        wait_for(stream_served, timeout=5, what="a stream to be served again")
        # A waiting long poll counts as well: one stream and one long poll fill the address.
        waiting = self.wire(daemon)
        wait_for(lambda: self.waits(waiting, long_poll), timeout=5, what="a long poll to wait")
        fourth = self.open_stream(daemon)
        self.assertOverCapacity(*fourth.answer(), "too many event streams and long polls")
        # Another address takes the last of max_streams, then the server is full for all.
        other = self.open_stream(daemon, source="127.0.0.2")
        self.assertEqual(other.head()[0], 200)
        full = self.open_stream(daemon, source="127.0.0.3")
        self.assertOverCapacity(*full.answer(),
                                "the server has too many event streams and long polls "
                                "(at most 3)")
        # The answered long poll gives its count back: another stream from 127.0.0.1 fits.
        waiting.close()
        wait_for(stream_served, timeout=5, what="the long poll's count to be given back")

    @staticmethod
    def answered_503(connection):
        """True when the server has sent a 503 on this idle connection."""
        connection.setblocking(False)
        try:
            return connection.recv(64).startswith(b"HTTP/1.1 503 ")
        except (BlockingIOError, ConnectionResetError):
            return False

    @staticmethod
    def waits(connection, request):
        """Send a long poll; true when no answer comes within 0.3 s (it waits)."""
        connection.send(request)
        ready, _, _ = select.select([connection.socket], [], [], 0.3)
        if ready:
            connection.answer()  # answered at once: the previous one's count was not back
            return False
        return True

    @staticmethod
    def connections_open(witness):
        """parkshare_connections_open as a GET /metrics on witness (kept alive) reads it: the
        connections the daemon holds on every loop, witness included."""
        witness.send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, _, body = witness.answer()
        assert status == 200, body
        for line in body.decode().splitlines():
            if line.startswith("parkshare_connections_open "):
                return int(line.split()[1])
        raise AssertionError("no parkshare_connections_open in /metrics")

    def test_descriptor_exhaustion_neither_spins_nor_floods_the_log(self):
        daemon = LimitedDaemon(descriptors=64)
        self.addCleanup(daemon.cleanup)
        daemon.start()
        lines_before = daemon.log_text().count("\n")
        # A connection counts until its own loop reads the client's close, and with several
        # loops that read may come after another loop's accepts (a connection handed over is
        # answered before the owner's epoll has its socket): the readiness probes' closes
        # must have been read before the cap is filled, or one of them takes a place.
        witness = self.wire(daemon)
        wait_for(lambda: self.connections_open(witness) == 1, timeout=5,
                 what="the daemon to hold no connection but this one")
        idle = []
        for _ in range(79):
            try:
                idle.append(socket.create_connection(("127.0.0.1", daemon.port), timeout=5))
            except OSError:
                break
        self.addCleanup(lambda: [connection.close() for connection in idle])
        time.sleep(0.5)
        cpu_before = daemon.cpu_seconds()
        time.sleep(3.0)
        cpu = daemon.cpu_seconds() - cpu_before
        lines = daemon.log_text().count("\n") - lines_before
        refused = sum(self.answered_503(connection) for connection in idle)
        # Exactly max_connections held: the witness and 31 of the 79, on whichever loops.
        held = self.connections_open(witness)
        for connection in idle:
            connection.close()
        # Likewise their closes are read before a new connection can count on a place.
        wait_for(lambda: self.connections_open(witness) == 1, timeout=5,
                 what="the daemon to read the closes")
        witness.close()
        started = time.monotonic()
        response = daemon.request("GET", "/healthz", timeout=1)
        answered = time.monotonic() - started
        report(f"descriptor limit 64, {len(idle) + 1} idle connections ({refused} refused with "
               f"503 over the lowered max_connections, {held} held): {cpu:.3f} s of CPU in 3 s, "
               f"{lines} log lines since they opened; /healthz after closing them answered in "
               f"{answered * 1000:.0f} ms")
        self.assertTrue("max_connections lowered from 4096 to 32" in daemon.log_text(),
                        "max_connections was not lowered below the descriptor limit")
        self.assertEqual(len(idle), 79)
        self.assertEqual(held, 32)
        self.assertEqual(refused, 80 - 32)
        self.assertLess(cpu, 0.3)
        self.assertLessEqual(lines, 10)
        self.assertEqual(response.status, 200)
        self.assertLess(answered, 1.0)

    def test_a_stream_state_larger_than_stream_buffer_is_sent_in_full(self):
        daemon = self.start(stream_buffer=1024)
        token = daemon.admin_token()
        lots = 300
        batch = self.wire(daemon)
        for index in range(lots):
            body = json.dumps(sample_lot(groups=["big"], capacity=10, hours=None)).encode()
            batch.send(f"PUT /v1/lots/big-{index:03d} HTTP/1.1\r\nAuthorization: Bearer {token}"
                       f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                       .encode() + body)
            self.assertEqual(batch.answer()[0], 201)
        self.assertEqual(daemon.put_lot("small", sample_lot(groups=["small"], hours=None)).status,
                         201)
        wait_for(lambda: daemon.get("/v1/totals?group=big").json()["lots"] == lots,
                 what="the big selection")
        small = self.open_stream(daemon, "?group=small")
        small.read_until(b"event: totals")
        # A sign with a small window that takes its time: its state is far over stream_buffer.
        big = self.wire(daemon, receive_buffer=1024, segment=536)
        big.send(b"GET /v1/stream?group=big HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(1.0)
        received = big.read_until(b"event: totals", timeout=10)
        events = received.count(b"event: lot\n")
        report(f"initial state of {lots} lots, {len(received)} bytes with stream_buffer 1024: "
               f"{events} lot events received")
        self.assertEqual(events, lots)
        # Both signs then hear about changes.
        self.assertEqual(daemon.post_occupancy("small", {"occupied": 7}).status, 200)
        self.assertIn(b'"id":"small","occupied":7', small.read_until(b'"occupied":7'))
        self.assertEqual(daemon.post_occupancy("big-042", {"occupied": 3}).status, 200)
        self.assertIn(b'"id":"big-042","occupied":3', big.read_until(b'"occupied":3'))
        self.assertNotIn("dropping a stream client", daemon.log_text())

    def test_conflicting_content_length_is_400_on_every_route(self):
        daemon = self.start()
        for request in (b"GET /healthz HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 2\r\n"
                        b"\r\nxx",
                        b"POST /v1/lots/x/occupancy HTTP/1.1\r\nContent-Type: application/json"
                        b"\r\nContent-Length: 13\r\nContent-Length: 2\r\n\r\n{\"delta\": 1}"):
            connection = self.wire(daemon)
            connection.send(request)
            status, headers, body = connection.answer()
            self.assertEqual(status, 400, body)
            self.assertEqual(headers["content-type"], "application/problem+json")
            document = json.loads(body)
            self.assertEqual((document["type"], document["detail"]),
                             ("/problems/bad-request", "conflicting Content-Length headers"))
            self.assertTrue(connection.is_closed(within=2))


class LimitedDaemon(Daemon):
    """A daemon (and its embedded Redis) started under a hard descriptor limit."""

    def __init__(self, descriptors, **options):
        super().__init__(**options)
        self.descriptors = descriptors

    def command(self, extra=()):
        return (["prlimit", f"--nofile={self.descriptors}:{self.descriptors}", "--"]
                + super().command(extra))

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


if __name__ == "__main__":
    main()
