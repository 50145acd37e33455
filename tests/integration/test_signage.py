#!/usr/bin/env python3
"""Signage: totals and the sign's text line in every state mix, and long polls that wake on a
change made on another daemon, or time out with 304."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ClusterTestCase, main, sample_lot, wait_for  # noqa: E402

CLOSED_HOURS = {"workday": "off", "weekend": "off"}


class SignageTest(ClusterTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lots = [
            ("mix-open", "mix", 10, None, 4),
            ("mix-full", "mix", 5, None, 5),
            ("mix-unknown", "mix", 8, None, None),
            ("mix-closed", "mix", 7, CLOSED_HOURS, 3),
            ("full-a", "allfull", 4, None, 4),
            ("full-closed", "allfull", 4, CLOSED_HOURS, None),
            ("shut", "shut", 9, CLOSED_HOURS, 1),
            ("poll-lot", "poll", 20, None, 0),
        ]
        for lot_id, group, capacity, hours, occupied in lots:
            body = sample_lot(groups=[group], capacity=capacity, hours=hours, city="signcity")
            assert cls.first.put_lot(lot_id, body).status == 201
            if occupied is not None:
                assert cls.first.post_occupancy(lot_id, {"occupied": occupied}).status == 200
        cls.wait_on_every_daemon(
            lambda daemon: daemon.get("/v1/totals?group=mix").json()["lots"] == 4)

    def test_totals_in_a_state_mix(self):
        totals = wait_for(lambda: (lambda body: body["occupied"] == 9 and body)(
            self.first.get("/v1/totals?group=mix").json()), what="the counts")
        self.assertEqual({key: value for key, value in totals.items() if key != "updated_at"}, {
            "free": 6, "capacity": 30, "occupied": 9, "lots": 4, "lots_open": 3,
            "lots_full": 1, "lots_unknown": 1})
        self.assertRegex(totals["updated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
        response = self.first.get("/v1/totals.txt?group=mix")
        self.assertEqual(response.header("Content-Type"), "text/plain; charset=utf-8")
        self.assertEqual(response.body, b"6\n")
        self.assertEqual(self.first.get("/v1/totals.txt?group=allfull").body, b"FULL\n")
        self.assertEqual(self.first.get("/v1/totals.txt?group=shut").body, b"CLOSED\n")
        everything = self.first.get("/v1/totals?city=signcity").json()
        self.assertEqual(everything["lots"], 8)
        self.assertEqual(self.first.get("/v1/totals?group=nothing").json()["lots"], 0)
        self.assertEqual(self.first.get("/v1/totals.txt?group=nothing").body, b"CLOSED\n")

    def test_etag_and_304(self):
        first = self.first.get("/v1/totals.txt?group=shut")
        again = self.first.get("/v1/totals.txt?group=shut",
                               headers={"If-None-Match": first.header("ETag")})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")

    def test_long_poll_times_out_with_304(self):
        etag = self.first.get("/v1/totals?group=shut").header("ETag")
        started = time.monotonic()
        response = self.first.get("/v1/totals?group=shut&wait=1", headers={"If-None-Match": etag})
        self.assertEqual(response.status, 304)
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    def test_long_poll_wakes_on_a_change_made_on_another_daemon(self):
        current = self.second.get("/v1/totals.txt?group=poll")
        results = {}

        def poll():
            results["response"] = self.second.get(
                "/v1/totals.txt?group=poll&wait=20",
                headers={"If-None-Match": current.header("ETag")})
            results["at"] = time.monotonic()

        waiting = threading.Thread(target=poll)
        waiting.start()
        time.sleep(0.5)  # the poll is parked on the second daemon
        before = current.body
        written = time.monotonic()
        response = self.first.post_occupancy("poll-lot", {"delta": 3})
        self.assertEqual(response.status, 200)
        waiting.join(timeout=25)
        self.assertEqual(results["response"].status, 200)
        self.assertNotEqual(results["response"].body, before)
        self.assertEqual(results["response"].body,
                         f"{20 - int(before) * 0 - response.json()['occupied']}\n".encode())
        latency = results["at"] - written
        print(f"long poll on the other daemon answered {latency * 1000:.0f} ms after the write")
        self.assertLess(latency, 2.0)

    def test_bad_parameters(self):
        for query, field in (("wait=0", "wait"), ("wait=61", "wait"), ("colour=red", "colour")):
            with self.subTest(query=query):
                document = self.assertProblem(self.first.get(f"/v1/totals?{query}"), 422,
                                              "validation")
                self.assertEqual(document["errors"][0]["field"], field)

    def test_sigterm_answers_parked_long_polls(self):
        extra = self.daemon(settings={"redis": self.redis_server.url()}).start()
        etag = extra.get("/v1/totals?group=shut").header("ETag")
        results = {}

        def poll():
            results["response"] = extra.get("/v1/totals?group=shut&wait=60",
                                             headers={"If-None-Match": etag})

        waiting = threading.Thread(target=poll)
        waiting.start()
        time.sleep(0.5)
        started = time.monotonic()
        self.assertEqual(extra.stop(), 0)
        waiting.join(timeout=10)
        self.assertEqual(results["response"].status, 304)
        self.assertLess(time.monotonic() - started, 5)


if __name__ == "__main__":
    main()
