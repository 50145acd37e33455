#!/usr/bin/env python3
"""Answers the socket does not take at once: a slow reader gets them whole and in order, and
the daemon keeps a shared answer by reference for it instead of a copy per client."""

import gzip
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, Wire, main, sample_lot, wait_for  # noqa: E402

DATEX_PATH = "/datex2/v3/parking-light.json"
LOTS = 1000
READERS = 40


def report(text):
    print(f"[slow reader] {text}", file=sys.stderr)


def resident_kilobytes(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))


class SlowReaderTest(DaemonTestCase):
    daemon_settings = {"rate_limit_admin": "0", "max_connections_per_client": "200"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        token = cls.shared.admin_token()
        batch = Wire(cls.shared.port, timeout=30)
        try:
            for index in range(LOTS):
                body = json.dumps(sample_lot(capacity=100, hours=None)).encode()
                batch.send(f"PUT /v1/lots/slow-{index:04d} HTTP/1.1\r\nAuthorization: Bearer "
                           f"{token}\r\nContent-Type: application/json\r\nContent-Length: "
                           f"{len(body)}\r\n\r\n".encode() + body)
                assert batch.answer()[0] == 201
        finally:
            batch.close()
        wait_for(lambda: cls.shared.get("/v1/totals").json()["lots"] == LOTS, what="the lots")

    def slow_wire(self):
        """A reader with a small window and small segments: the daemon keeps most of an answer."""
        connection = Wire(self.shared.port, timeout=30, receive_buffer=1024, segment=536)
        self.addCleanup(connection.close)
        return connection

    def reference(self, path, encoding="identity"):
        """(ETag, body) of path read by an ordinary client."""
        connection = Wire(self.shared.port, timeout=30)
        self.addCleanup(connection.close)
        connection.send(f"GET {path} HTTP/1.1\r\nAccept-Encoding: {encoding}\r\n\r\n".encode())
        status, headers, body = connection.answer()
        self.assertEqual(status, 200, body)
        return headers.get("etag"), body

    def test_pipelined_answers_reach_a_slow_reader_whole_and_in_order(self):
        document_etag, document = self.reference(DATEX_PATH)
        gzip_etag, compressed = self.reference(DATEX_PATH, "gzip")
        list_etag, listed = self.reference("/v1/lots?limit=500")
        self.assertGreater(len(document), 200000)
        self.assertEqual(gzip.decompress(compressed), document)
        connection = self.slow_wire()
        connection.send(f"GET {DATEX_PATH} HTTP/1.1\r\n\r\n"
                        f"GET {DATEX_PATH} HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n"
                        "GET /v1/lots?limit=500 HTTP/1.1\r\n\r\n"
                        "GET /v1/lots/slow-0007 HTTP/1.1\r\n\r\n"
                        "GET /v1/lots/nowhere HTTP/1.1\r\n\r\n"
                        f"GET {DATEX_PATH} HTTP/1.1\r\n\r\n".encode())
        time.sleep(1.0)  # the daemon holds what the small window does not take meanwhile
        expected = [(200, document_etag, document), (200, gzip_etag, compressed),
                    (200, list_etag, listed)]
        for status, etag, body in expected:
            got_status, headers, got_body = connection.answer()
            self.assertEqual((got_status, headers.get("etag")), (status, etag))
            self.assertEqual(len(got_body), len(body))
            self.assertTrue(got_body == body, "the bytes differ")
        status, headers, lot = connection.answer()
        self.assertEqual((status, json.loads(lot)["id"]), (200, "slow-0007"))
        status, headers, problem = connection.answer()
        self.assertEqual((status, json.loads(problem)["type"]), (404, "/problems/not-found"))
        status, headers, last = connection.answer()
        self.assertEqual((status, headers.get("etag"), last == document),
                         (200, document_etag, True))
        self.assertEqual(connection.buffer, b"")

    def test_readers_that_do_not_read_share_one_document(self):
        _, document = self.reference(DATEX_PATH)
        pid = self.shared.process.pid
        before = resident_kilobytes(pid)
        readers = []
        for _ in range(READERS):
            reader = self.slow_wire()
            reader.send(f"GET {DATEX_PATH} HTTP/1.1\r\n\r\n".encode())
            readers.append(reader)
        # Every answer is queued once each request is read; the health check comes after them.
        self.assertEqual(self.shared.get("/healthz").status, 200)
        time.sleep(0.5)
        grown = resident_kilobytes(pid) - before
        copies = READERS * len(document) // 1024
        report(f"{READERS} readers of {len(document):,} bytes waiting: resident memory grew "
               f"{grown:,} kB (a copy each would be {copies:,} kB)")
        self.assertLess(grown, copies // 4)
        # Readers that leave early: the daemon carries on, and every answer was still whole.
        for reader in readers[: READERS // 2]:
            reader.close()
        for reader in readers[READERS // 2:]:
            status, _, body = reader.answer()
            self.assertEqual((status, len(body)), (200, len(document)))
        self.assertEqual(self.shared.get("/healthz").status, 200)


if __name__ == "__main__":
    main()
