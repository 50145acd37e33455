#!/usr/bin/env python3
"""A large city's lot index on worker loops: rebuilt at a pace when lots come and go, and no list
answered on any loop misses a lot while it waits."""

import http.client
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IntegrationTestCase, main, sample_lot, wait_for  # noqa: E402
import test_load  # noqa: E402

LOTS = 60000
INDEX_LINE = re.compile(r"lot index for lists on workers: (\d+) lots, \d+ KiB, built in (\d+) ms; "
                        r"rebuilt at most every (\d+) ms")


class WorkerIndexTest(IntegrationTestCase):
    def fresh_list(self, daemon, path):
        """A list read on a fresh connection (so on whichever loop the kernel picks)."""
        connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            self.assertEqual(response.status, 200, body)
            return [lot["id"] for lot in json.loads(body)["lots"]]
        finally:
            connection.close()

    def test_a_new_lot_is_in_every_list_while_the_index_waits_and_after(self):
        redis = self.redis()
        test_load.LoadTest.fill(self, redis, test_load.LoadTest.plain_lots(self, LOTS))
        daemon = self.daemon(settings={"redis": redis.url(), "workers": "2"}).start()
        wait_for(lambda: f"loaded {LOTS} lot(s)" in daemon.log_text(), timeout=120,
                 what=f"the load of {LOTS} lots")
        wait_for(lambda: INDEX_LINE.search(daemon.log_text()) is not None, timeout=30,
                 what="the index's line, or a build under 10 ms")
        lots, build_ms, pace_ms = map(int, INDEX_LINE.search(daemon.log_text()).groups())
        self.assertEqual((lots, pace_ms), (LOTS, 10 * build_ms))
        self.assertGreaterEqual(build_ms, 10)

        # Just after a build, a new lot's layout waits for the next one: lists are the first
        # loop's meanwhile, and every list on every connection has the lot at once.
        started = time.monotonic()
        self.assertEqual(daemon.put_lot("new-lot", sample_lot(city="newtown", hours=None,
                                                              calendar=None)).status, 201)
        missing = []
        while time.monotonic() - started < 3 * pace_ms / 1000 + 1:
            for path in ("/v1/lots?city=newtown", "/v1/lots?near=26.5705,106.4707&radius=50"):
                if "new-lot" not in self.fresh_list(daemon, path):
                    missing.append((round(time.monotonic() - started, 3), path))
        self.assertEqual(missing, [])
        # The index caught up by its own timer (the index is rebuilt once, with the new lot).
        wait_for(lambda: len(INDEX_LINE.findall(daemon.log_text())) >= 2, timeout=30,
                 what="the index's paced rebuild")
        self.assertEqual(int(INDEX_LINE.findall(daemon.log_text())[-1][0]), LOTS + 1)
        for _ in range(40):
            self.assertIn("new-lot", self.fresh_list(daemon, "/v1/lots?city=newtown"))
        self.assertEqual(daemon.stop(), 0, daemon.log_text())
        found = re.search(r"worker 1 stopped: answered (\d+) request\(s\)", daemon.log_text())
        self.assertIsNotNone(found, daemon.log_text())
        self.assertGreater(int(found.group(1)), 0)


if __name__ == "__main__":
    main()
