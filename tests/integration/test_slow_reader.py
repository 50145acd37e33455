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
from harness import (DaemonTestCase, IntegrationTestCase, Wire, main,  # noqa: E402
                     sample_lot, sanitized_build, wait_for)

DATEX_PATH = "/datex2/v3/parking-light.json"
LOTS = 1000
READERS = 40


def report(text):
    print(f"[slow reader] {text}", file=sys.stderr)


def resident_kilobytes(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1))


SETTINGS = {"rate_limit_admin": "0", "max_connections_per_client": "200"}


def fill(daemon, lots):
    """lots lots (slow-0000...), one keep-alive connection of PUTs, until the totals count them."""
    token = daemon.admin_token()
    batch = Wire(daemon.port, timeout=30)
    try:
        for index in range(lots):
            body = json.dumps(sample_lot(capacity=100, hours=None)).encode()
            batch.send(f"PUT /v1/lots/slow-{index:04d} HTTP/1.1\r\nAuthorization: Bearer "
                       f"{token}\r\nContent-Type: application/json\r\nContent-Length: "
                       f"{len(body)}\r\n\r\n".encode() + body)
            assert batch.answer()[0] == 201
    finally:
        batch.close()
    wait_for(lambda: daemon.get("/v1/totals").json()["lots"] == lots, what="the lots")


def slow_wire(daemon):
    """A reader with a small window and small segments: the daemon keeps most of an answer."""
    return Wire(daemon.port, timeout=30, receive_buffer=1024, segment=536)


class SlowReaderTest(DaemonTestCase):
    daemon_settings = SETTINGS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fill(cls.shared, LOTS)

    def slow_wire(self):
        connection = slow_wire(self.shared)
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

    def slow_readers(self, count):
        """count readers that each ask for the document and do not read, once all are answered."""
        readers = []
        for _ in range(count):
            reader = self.slow_wire()
            reader.send(f"GET {DATEX_PATH} HTTP/1.1\r\n\r\n".encode())
            readers.append(reader)
        # Requests are read in turn; a health check after them, then a moment for the last few.
        self.assertEqual(self.shared.get("/healthz").status, 200)
        time.sleep(0.5)
        return readers

    def test_readers_that_do_not_read_share_one_document(self):
        if sanitized_build():
            self.skipTest("a sanitized build's memory says nothing of the daemon's")
        _, document = self.reference(DATEX_PATH)
        pid = self.shared.process.pid
        before = resident_kilobytes(pid)
        readers = self.slow_readers(READERS)
        grown = resident_kilobytes(pid) - before
        copies = READERS * len(document) // 1024
        report(f"{READERS} readers of {len(document):,} bytes waiting: resident memory grew "
               f"{grown:,} kB (a copy each would be {copies:,} kB)")
        self.assertLess(grown, copies // 4)
        for reader in readers:
            reader.close()

    def test_readers_that_leave_early_do_not_disturb_the_others(self):
        _, document = self.reference(DATEX_PATH)
        readers = self.slow_readers(READERS)
        for reader in readers[: READERS // 2]:
            reader.close()
        for reader in readers[READERS // 2:]:
            status, _, body = reader.answer()
            self.assertEqual((status, body == document), (200, True))
        self.assertEqual(self.shared.get("/healthz").status, 200)


class StopWithReadersTest(IntegrationTestCase):
    def test_a_daemon_stopped_with_answers_held_for_readers_exits_cleanly(self):
        """SIGTERM while readers hold the document: the connections close, their references go
        (a sanitized build's leak check would fail the exit status otherwise)."""
        daemon = self.daemon(settings=SETTINGS).start()
        fill(daemon, 300)
        document = daemon.get(DATEX_PATH).body
        self.assertGreater(len(document), 100000)
        readers = [slow_wire(daemon) for _ in range(10)]
        for reader in readers:
            self.addCleanup(reader.close)
            reader.send(f"GET {DATEX_PATH} HTTP/1.1\r\n\r\n".encode())
        self.assertEqual(daemon.get("/healthz").status, 200)
        time.sleep(0.5)
        self.assertEqual(daemon.stop(), 0)
        self.assertNotIn("LeakSanitizer", daemon.log_text())
        self.assertTrue(daemon.log_text().endswith("main: stopped\n"))


if __name__ == "__main__":
    main()
