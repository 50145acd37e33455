#!/usr/bin/env python3
"""HTTP plumbing: problem+json for every error, ETag and 304, CORS, HEAD, body limits."""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, main  # noqa: E402


class HttpTest(DaemonTestCase):
    daemon_settings = {"max_body": "1k"}

    def test_404_is_problem_json(self):
        response = self.shared.get("/v1/nothing-here")
        document = self.assertProblem(response, 404, "not-found", "no resource at /v1/nothing-here")
        self.assertEqual(document["title"], "Not found")
        self.assertEqual(response.header("Access-Control-Allow-Origin"), "*")

    def test_405_names_the_allowed_methods(self):
        response = self.shared.request("DELETE", "/healthz")
        self.assertProblem(response, 405, "method-not-allowed",
                           "/healthz allows GET, HEAD, OPTIONS")
        self.assertEqual(response.header("Allow"), "GET, HEAD, OPTIONS")
        response = self.shared.request("PATCH", "/healthz")
        self.assertProblem(response, 405, "method-not-allowed", "method not supported")

    def test_etag_and_304(self):
        first = self.shared.get("/healthz")
        etag = first.header("ETag")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        self.assertEqual(first.header("Cache-Control"), "no-cache")
        again = self.shared.get("/healthz", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        self.assertEqual(again.header("ETag"), etag)
        listed = self.shared.get("/healthz", headers={"If-None-Match": f'"other", W/{etag}'})
        self.assertEqual(listed.status, 304)
        self.assertEqual(self.shared.get("/healthz", headers={"If-None-Match": '"x"'}).status, 200)
        self.assertEqual(self.shared.get("/healthz", headers={"If-None-Match": "*"}).status, 304)

    def test_head_has_no_body(self):
        response = self.shared.request("HEAD", "/healthz")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, b"")

    def test_body_over_max_body_is_413_problem(self):
        response = self.shared.request("POST", "/healthz", body=b"x" * 1025,
                                       headers={"Content-Type": "application/json"})
        self.assertProblem(response, 413, "payload-too-large",
                           "the body has 1025 bytes; the limit is 1024")

    def test_malformed_query_string(self):
        response = self.shared.get("/healthz?flag")
        self.assertProblem(response, 400, "bad-request", "malformed query string")

    def test_failed_authentications_over_the_limit_get_429(self):
        limited = self.daemon(settings={"auth_failures_per_minute": "3"})
        limited.start()
        statuses = [limited.request("POST", "/v1/occupancy", {"updates": []}).status
                    for _ in range(3)]
        self.assertEqual(statuses, [401, 401, 401])
        response = limited.request("POST", "/v1/occupancy", {"updates": []})
        self.assertProblem(response, 429, "rate-limited")
        # Three a minute: the next one is back in 20 s.
        self.assertEqual(response.header("Retry-After"), "20")
        # Reads are never limited.
        self.assertTrue(all(limited.get("/healthz").status == 200 for _ in range(20)))
        self.assertEqual(limited.stop(), 0)

    def test_keep_alive_serves_many_requests(self):
        with socket.create_connection(("127.0.0.1", self.shared.port), timeout=5) as connection:
            request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            connection.sendall(request * 20)
            received = b""
            while received.count(b'{"status":"ok"}') < 20:
                chunk = connection.recv(65536)
                self.assertTrue(chunk, "connection closed early")
                received += chunk
            self.assertEqual(received.count(b"HTTP/1.1 200 OK"), 20)


if __name__ == "__main__":
    main()
