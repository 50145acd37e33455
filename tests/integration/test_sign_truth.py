#!/usr/bin/env python3
"""Signs never turn missing data into a number: totals.txt answers sign_unknown_text when no
open lot has a fresh count, keeps FULL and CLOSED; the stream's named ping event."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, EventStream, IntegrationTestCase, main, sample_lot, wait_for  # noqa: E402

CLOSED_HOURS = {"workday": "off", "weekend": "off"}

# (lot, group, capacity, hours, occupied or None for never counted)
LOTS = [
    ("none-a", "nocount", 10, None, None),
    ("none-b", "nocount", 12, None, None),
    ("half-full", "fullandunknown", 5, None, 5),
    ("half-unknown", "fullandunknown", 8, None, None),
    ("room-a", "roomandunknown", 10, None, 7),
    ("room-unknown", "roomandunknown", 8, None, None),
    ("shut-unknown", "closedandunknown", 6, CLOSED_HOURS, None),
    ("open-unknown", "closedandunknown", 6, None, None),
    ("only-full", "allfull", 4, None, 4),
    ("only-shut", "allshut", 9, CLOSED_HOURS, None),
    ("later", "counted-later", 30, None, None),
]


def seed(daemon):
    for lot_id, group, capacity, hours, occupied in LOTS:
        body = sample_lot(groups=[group], capacity=capacity, hours=hours, city="truthcity")
        assert daemon.put_lot(lot_id, body).status == 201
        if occupied is not None:
            assert daemon.post_occupancy(lot_id, {"occupied": occupied}).status == 200
    wait_for(lambda: daemon.get("/v1/totals?city=truthcity").json()["lots"] == len(LOTS),
             what="the lots")


class SignTruthTest(IntegrationTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared = Daemon(environment={"PARKSHARE_TEST_STREAM_PING_MS": "300"})
        cls.addClassCleanup(cls.shared.cleanup)
        cls.shared.start()
        cls.addClassCleanup(cls.shared.stop)
        seed(cls.shared)

    def text(self, group):
        response = self.shared.get(f"/v1/totals.txt?group={group}")
        self.assertEqual(response.status, 200)
        return response.body

    def test_every_case_of_the_sign_line(self):
        self.assertEqual(self.text("nocount"), b"----\n")  # open, no count at all
        self.assertEqual(self.text("fullandunknown"), b"----\n")  # the other may have room
        self.assertEqual(self.text("roomandunknown"), b"3\n")  # a true lower bound
        self.assertEqual(self.text("closedandunknown"), b"----\n")
        self.assertEqual(self.text("allfull"), b"FULL\n")
        self.assertEqual(self.text("allshut"), b"CLOSED\n")
        totals = self.shared.get("/v1/totals?group=nocount").json()
        self.assertEqual((totals["lots_open"], totals["lots_unknown"], totals["free"]), (2, 2, 0))

    def test_a_count_turns_the_unknown_text_into_a_number(self):
        self.assertEqual(self.text("counted-later"), b"----\n")
        etag = self.shared.get("/v1/totals.txt?group=counted-later").header("ETag")
        self.assertEqual(self.shared.post_occupancy("later", {"occupied": 12}).status, 200)
        wait_for(lambda: self.text("counted-later") == b"18\n", what="the count on the sign")
        self.assertNotEqual(self.shared.get("/v1/totals.txt?group=counted-later").header("ETag"),
                            etag)

    def test_stream_sends_a_named_ping_with_the_city_time(self):
        stream = EventStream(self.shared, "group=nocount")
        started = time.monotonic()
        first = stream.next_named("ping")
        second = stream.next_named("ping")
        elapsed = time.monotonic() - started
        stream.close()
        self.assertRegex(first["now"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
        self.assertRegex(second["now"], r"^\d{4}-\d\d-\d\dT")
        # Two pings at a 300 ms interval: well under the 15 s default; generous bound.
        self.assertLess(elapsed, 5.0)
        print(f"two pings after {elapsed * 1000:.0f} ms (interval 300 ms)")


class ConfiguredUnknownTextTest(IntegrationTestCase):
    def test_sign_unknown_text_is_configurable(self):
        daemon = self.daemon(settings={"sign_unknown_text": "NO DATA"})
        daemon.start()
        self.addCleanup(daemon.stop)
        body = sample_lot(groups=["blank"], capacity=10, hours=None)
        self.assertEqual(daemon.put_lot("blank-lot", body).status, 201)
        wait_for(lambda: daemon.get("/v1/totals?group=blank").json()["lots"] == 1,
                 what="the lot")
        self.assertEqual(daemon.get("/v1/totals.txt?group=blank").body, b"NO DATA\n")
        stream = EventStream(daemon, "group=blank")
        self.assertEqual(stream.next_event()[0], "lot")
        stream.close()


if __name__ == "__main__":
    main()
