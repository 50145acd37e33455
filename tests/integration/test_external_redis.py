#!/usr/bin/env python3
"""External Redis: unix socket and TCP with AUTH and a database; losing and regaining it."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IntegrationTestCase, main, sample_lot, wait_for  # noqa: E402


class ExternalRedisTest(IntegrationTestCase):
    def test_unix_socket(self):
        redis = self.redis()
        daemon = self.daemon(settings={"redis": redis.url()}).start()
        self.assertEqual(daemon.get("/readyz").status, 200)
        # No child and no socket of its own in external mode.
        self.assertFalse(os.path.exists(os.path.join(daemon.data_dir, "redis.sock")))
        self.assertFalse(os.path.exists(os.path.join(daemon.data_dir, "redis.conf")))
        self.assertEqual(daemon.stop(), 0)
        self.assertTrue(redis.answers_ping())  # the daemon never stops someone else's Redis

    def test_tcp_with_password_and_database(self):
        redis = self.redis(tcp=True, password="correct horse")
        daemon = self.daemon(settings={"redis": redis.url(database=3)}).start()
        clients = redis.cli("CLIENT", "LIST")
        # The command link works in db 3; the subscriber needs no database.
        self.assertRegex(clients, r"flags=N db=3 ")
        self.assertEqual(daemon.stop(), 0)
        self.assertNotIn("correct horse", daemon.log_text())

    def test_wrong_password_is_not_ready_and_not_logged(self):
        redis = self.redis(tcp=True, password="right")
        url = redis.url().replace(":right@", ":wrong-secret@")
        daemon = self.daemon(settings={"redis": url}).start(wait_ready=False)
        wait_for(lambda: "Redis refused AUTH" in daemon.log_text(), timeout=10,
                 what="the AUTH refusal in the log")
        self.assertProblem(daemon.get("/readyz"), 503, "store-unavailable",
                           "Redis is not reachable")
        self.assertEqual(daemon.stop(), 0)
        self.assertNotIn("wrong-secret", daemon.log_text())

    def test_redis_away_then_back(self):
        redis = self.redis()
        daemon = self.daemon(settings={"redis": redis.url()}).start()
        self.assertEqual(daemon.put_lot("kept", sample_lot()).status, 201)
        wait_for(lambda: daemon.get("/v1/lots/kept").status == 200)
        fresh = daemon.get("/v1/lots/kept")
        self.assertNotIn("stale", fresh.json())
        self.assertIsNone(fresh.header("Warning"))
        redis.stop()
        wait_for(lambda: daemon.get("/readyz").status == 503, timeout=10,
                 what="/readyz to fail with Redis gone")
        response = daemon.get("/readyz")
        self.assertProblem(response, 503, "store-unavailable", "Redis is not reachable")
        self.assertEqual(response.header("Retry-After"), "1")
        self.assertEqual(daemon.get("/healthz").status, 200)
        # Reads go on from the snapshot, marked stale in the body and the headers.
        stale = daemon.get("/v1/lots/kept")
        self.assertEqual(stale.status, 200)
        self.assertIs(stale.json()["stale"], True)
        self.assertEqual(stale.header("Warning"), '110 - "Response is Stale"')
        self.assertRegex(stale.header("Age"), r"^\d+$")
        self.assertNotEqual(stale.header("ETag"), fresh.header("ETag"))
        self.assertIs(daemon.get("/v1/lots").json()["lots"][0]["stale"], True)
        wait_for(lambda: daemon.get("/v1/totals").json().get("stale") is True,
                 what="stale totals")
        redis.start()
        back = time.monotonic()
        daemon.wait_ready(timeout=10)
        # The spec asks for a second; reported, not asserted, on a shared machine.
        print(f"ready again {time.monotonic() - back:.3f} s after Redis returned")
        # A standalone Redis without persistence came back empty: the reload says so.
        wait_for(lambda: daemon.get("/v1/lots/kept").status == 404, what="the reload")
        wait_for(lambda: "stale" not in daemon.get("/v1/totals").json(), what="fresh totals")
        self.assertEqual(daemon.get("/v1/totals").json()["lots"], 0)
        self.assertEqual(daemon.stop(), 0)

    def test_starts_before_redis_exists(self):
        redis = self.redis()
        redis.stop()
        daemon = self.daemon(settings={"redis": redis.url()}).start(wait_ready=False)
        self.assertEqual(daemon.get("/readyz").status, 503)
        redis.start()
        daemon.wait_ready(timeout=10)
        self.assertEqual(daemon.stop(), 0)


if __name__ == "__main__":
    main()
