#!/usr/bin/env python3
"""HTTP/1.1 on the wire, over raw sockets: pipelining, keep-alive, HTTP/1.0, 100 Continue, bodies
over the limit, heads the strict parser refuses, the idle timeout."""

import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, Wire, main  # noqa: E402


class HttpWireTest(DaemonTestCase):
    daemon_settings = {"max_body": "1k"}

    def wire(self):
        connection = Wire(self.shared.port)
        self.addCleanup(connection.close)
        return connection

    def assertRefused(self, head, status, slug, detail):
        """The head is answered with a problem, and the connection closes after it."""
        connection = self.wire()
        connection.send(head)
        got, headers, body = connection.answer()
        self.assertEqual(got, status, body)
        document = json.loads(body)
        self.assertEqual(headers["content-type"], "application/problem+json")
        self.assertEqual(headers["connection"], "close")
        self.assertEqual((document["type"], document["detail"]), (f"/problems/{slug}", detail))
        self.assertTrue(connection.is_closed(silently=True))

    def test_pipelined_requests_are_answered_in_order(self):
        connection = self.wire()
        connection.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                        b"GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                        b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, body = connection.answer()
        self.assertEqual((status, body), (200, b'{"status":"ok"}'))
        status, _, body = connection.answer()
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body)["detail"], "no resource at /v1/nothing")
        # HEAD: the GET's length, and no body (the next answer would show it).
        status, headers, body = connection.answer(head_only=True)
        self.assertEqual((status, headers["content-length"], body), (200, "15", b""))
        self.assertEqual(connection.buffer, b"")
        connection.socket.settimeout(0.3)
        with self.assertRaises(socket.timeout):
            connection.socket.recv(1)

    def test_a_request_pipelined_behind_a_long_poll_waits_its_turn(self):
        etag = self.shared.get("/v1/totals").header("ETag")
        connection = self.wire()
        started = time.monotonic()
        connection.send(b"GET /v1/totals?wait=1 HTTP/1.1\r\nIf-None-Match: %s\r\n\r\n"
                        b"GET /healthz HTTP/1.1\r\n\r\n" % etag.encode())
        self.assertEqual(connection.answer()[0], 304)
        self.assertGreater(time.monotonic() - started, 0.9)
        self.assertEqual(connection.answer()[2], b'{"status":"ok"}')

    def test_keep_alive_over_a_hundred_requests(self):
        connection = self.wire()
        for index in range(120):
            connection.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, body = connection.answer()
            self.assertEqual((status, body), (200, b'{"status":"ok"}'), index)
            self.assertNotIn("connection", headers)

    def test_http_1_0_closes_unless_it_asks_to_keep_alive(self):
        connection = self.wire()
        connection.send(b"GET /healthz HTTP/1.0\r\n\r\n")
        status, headers, body = connection.answer()
        self.assertEqual((status, headers["connection"], body), (200, "close", b'{"status":"ok"}'))
        self.assertTrue(connection.is_closed(silently=True))
        kept = self.wire()
        for _ in range(3):
            kept.send(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            status, headers, _ = kept.answer()
            self.assertEqual((status, headers["connection"]), (200, "keep-alive"))
        closing = self.wire()
        closing.send(b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
        self.assertEqual(closing.answer()[1]["connection"], "close")
        self.assertTrue(closing.is_closed(silently=True))

    def test_expect_100_continue(self):
        connection = self.wire()
        body = b'{"role":"admin"}'
        connection.send(b"POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        status, _, interim = connection.answer()
        self.assertEqual((status, interim), (100, b""))
        connection.send(body)
        status, _, answer = connection.answer()
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(answer)["type"], "/problems/unauthorized")
        # The connection goes on.
        connection.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(connection.answer()[0], 200)

    def test_a_body_over_max_body_is_refused_before_it_is_sent(self):
        connection = self.wire()
        connection.send(b"POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Expect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
        status, headers, body = connection.answer()
        self.assertEqual((status, headers["connection"]), (413, "close"))
        self.assertEqual(json.loads(body)["detail"], "the body has 5000 bytes; the limit is 1024")
        self.assertTrue(connection.is_closed(silently=True))

    def test_malformed_heads(self):
        self.assertRefused(b"GET /healthz HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400, "bad-request",
                           "obs-fold: a field line may not start with whitespace")
        self.assertRefused(b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400, "bad-request",
                           "whitespace between a field name and its colon")
        self.assertRefused(b"GET /healthz HTTP/1.1\nHost: x\n\n", 400, "bad-request",
                           "a bare LF in the head; lines end in CRLF")
        self.assertRefused(b"GET /healthz HTTP/1.1\r\nX: a\x00b\r\n\r\n", 400, "bad-request",
                           "a control character in a field value")
        self.assertRefused(b"GET /healthz HTTP/2.0\r\n\r\n", 505, "version-not-supported",
                           "only HTTP/1.0 and HTTP/1.1 are served")
        self.assertRefused(b"POST /v1/occupancy HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"2\r\n{}\r\n0\r\n\r\n", 411, "length-required",
                           "Transfer-Encoding is not accepted; send Content-Length")
        self.assertRefused(b"POST /v1/occupancy HTTP/1.1\r\nContent-Length: 2\r\n"
                           b"Content-Length: 3\r\n\r\n{}", 400, "bad-request",
                           "conflicting Content-Length headers")
        self.assertRefused(b"GET /healthz HTTP/1.1\r\nX: " + b"a" * 17000 + b"\r\n\r\n", 431,
                           "headers-too-large", "the request head is over 16384 bytes")
        self.assertRefused(b"GET healthz HTTP/1.1\r\n\r\n", 400, "bad-request",
                           "the request target must be a path")

    def test_any_other_method_is_405_with_allow(self):
        # OPTIONS is served on every route (CORS preflights): see test_cors_gzip.py.
        for method in (b"PATCH", b"BREW"):
            connection = self.wire()
            connection.send(method + b" /healthz HTTP/1.1\r\n\r\n")
            status, headers, body = connection.answer()
            self.assertEqual((status, headers["allow"]),
                             (405, "GET, HEAD, POST, PUT, DELETE, OPTIONS"))
            self.assertEqual(json.loads(body)["detail"], "method not supported")

    def test_absolute_form_targets_take_their_path(self):
        connection = self.wire()
        connection.send(b"GET http://example.org/healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(connection.answer()[2], b'{"status":"ok"}')

    def test_half_a_head_is_closed_at_the_header_timeout(self):
        daemon = self.daemon(settings={"idle_timeout": "1", "header_timeout": "1"}).start()
        connection = Wire(daemon.port)
        self.addCleanup(connection.close)
        started = time.monotonic()
        connection.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        self.assertTrue(connection.is_closed(within=5, silently=True))
        self.assertLess(time.monotonic() - started, 4)
        # An idle keep-alive connection goes the same way.
        idle = Wire(daemon.port)
        self.addCleanup(idle.close)
        idle.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        self.assertEqual(idle.answer()[0], 200)
        self.assertTrue(idle.is_closed(within=5, silently=True))
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    main()
