#!/usr/bin/env python3
"""The totals cache: a selection that a stream or a long poll follows stays cached however
many other selections anonymous clients ask for, so a live board keeps getting totals."""

import http.client
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, EventStream, main, sample_lot, wait_for  # noqa: E402

CHURN_LOTS = 10
GROUPS_PER_LOT = 30  # 300 distinct groups that do have lots


class TotalsEvictionTest(DaemonTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index in range(2):
            body = sample_lot(groups=["board"], capacity=10, hours=None, calendar=None)
            assert cls.shared.put_lot(f"board-{index}", body).status == 201
        for index in range(CHURN_LOTS):
            groups = [f"churn-{index}-{group}" for group in range(GROUPS_PER_LOT)]
            body = sample_lot(groups=groups, capacity=5, hours=None, calendar=None,
                              kind="public" if index % 2 else "reclaimed")
            assert cls.shared.put_lot(f"churn-{index}", body).status == 201
        wait_for(lambda: cls.shared.get("/v1/totals?group=board").json()["lots"] == 2,
                 what="the board's lots")

    def churn(self, prefix):
        """300 distinct unknown cities and 600 distinct real selections, one request each."""
        connection = http.client.HTTPConnection("127.0.0.1", self.shared.port, timeout=10)
        queries = [f"city={prefix}evict{n}" for n in range(300)]
        for index in range(CHURN_LOTS):
            kind = "public" if index % 2 else "reclaimed"
            for group in range(GROUPS_PER_LOT):
                queries.append(f"group=churn-{index}-{group}")
                queries.append(f"group=churn-{index}-{group}&kind={kind}&city=qingzhen")
        for query in queries:
            connection.request("GET", "/v1/totals?" + query)
            response = connection.getresponse()
            document = json.loads(response.read())
            self.assertEqual(response.status, 200, query)
            expected = 0 if "evict" in query else 1
            self.assertEqual(document["lots"], expected, query)
        connection.close()
        return len(queries)

    def test_stream_keeps_its_totals_after_churn(self):
        self.assertEqual(self.shared.post_occupancy("board-0", {"occupied": 2}).status, 200)
        wait_for(lambda: self.shared.get("/v1/totals?group=board").json()["occupied"] in (2, 9),
                 what="board-0's count in the totals")
        stream = EventStream(self.shared, "group=board")
        self.addCleanup(stream.close)
        self.assertEqual(stream.response.status, 200)
        first = stream.next_named("totals")
        self.assertEqual((first["lots"], first["capacity"]), (2, 20))
        count = self.churn("s")
        print(f"{count} other selections asked for while a stream followed group=board")
        response = self.shared.post_occupancy("board-1", {"occupied": 7})
        self.assertEqual(response.status, 200, response.body)
        totals = stream.next_named("totals")
        self.assertEqual((totals["lots"], totals["capacity"], totals["occupied"], totals["free"]),
                         (2, 20, 9, 11))

    def test_long_poll_keeps_its_selection_after_churn(self):
        current = self.shared.get("/v1/totals?group=board")
        etag = current.header("ETag")
        board_zero = self.shared.get("/v1/lots/board-0").json()
        answers = []

        def poll():
            answers.append(self.shared.get("/v1/totals?group=board&wait=30",
                                           headers={"If-None-Match": etag}))

        waiting = threading.Thread(target=poll)
        waiting.start()
        self.churn("p")
        occupied = 3 if board_zero.get("occupied") != 3 else 4
        response = self.shared.post_occupancy("board-0", {"occupied": occupied})
        self.assertEqual(response.status, 200, response.body)
        waiting.join(timeout=15)
        self.assertFalse(waiting.is_alive(), "the long poll was never answered")
        self.assertEqual(answers[0].status, 200)
        self.assertNotEqual(answers[0].header("ETag"), etag)

    def test_unknown_selection_is_answered_with_zeros(self):
        response = self.shared.get("/v1/totals.txt?city=nowhere-at-all")
        self.assertEqual((response.status, response.body), (200, b"CLOSED\n"))
        document = self.shared.get("/v1/totals?group=no-such-group&kind=public").json()
        self.assertEqual((document["lots"], document["free"], document["capacity"]), (0, 0, 0))


class EveryCachedSelectionPinnedTest(DaemonTestCase):
    """256 long polls pin every slot of the cache: the next request is still answered."""

    # One test client holds hundreds of connections, each a waiting long poll.
    daemon_settings = {"max_connections_per_client": "1000", "max_streams_per_client": "1000"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index in range(CHURN_LOTS):
            groups = [f"pin-{index}-{group}" for group in range(GROUPS_PER_LOT)]
            body = sample_lot(groups=groups, capacity=5, hours=None, calendar=None)
            assert cls.shared.put_lot(f"pin-{index}", body).status == 201
        wait_for(lambda: cls.shared.get("/v1/totals?group=pin-9-29").json()["lots"] == 1,
                 what="the pinned lots")

    def long_poll(self, query):
        """Send a long poll that waits (it already has the current ETag); return its socket."""
        etag = self.shared.get("/v1/totals?" + query).header("ETag")
        poll = socket.create_connection(("127.0.0.1", self.shared.port), timeout=10)
        self.addCleanup(poll.close)
        poll.sendall(f"GET /v1/totals?{query}&wait=60 HTTP/1.1\r\nHost: x\r\n"
                     f"If-None-Match: {etag}\r\n\r\n".encode())
        return poll

    def test_requests_beyond_the_pinned_slots_are_answered(self):
        for index in range(256):
            self.long_poll(f"group=pin-{index // GROUPS_PER_LOT}-{index % GROUPS_PER_LOT}")
        time.sleep(0.5)  # let the daemon read every poll; not a bound on anything
        # A selection that fits no slot: answered, with the right numbers, not refused.
        response = self.shared.get("/v1/totals?group=pin-9-10&kind=government")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual((response.json()["lots"], response.json()["capacity"]), (1, 5))
        self.assertEqual(self.shared.get("/v1/totals.txt?city=qingzhen&group=pin-9-11").status,
                         200)
        # One more follower takes the cache past 256 and still hears of the change.
        follower = self.long_poll("group=pin-9-20")
        follower.settimeout(15)
        self.assertEqual(self.shared.post_occupancy("pin-9", {"occupied": 2}).status, 200)
        head = follower.recv(65536).split(b"\r\n", 1)[0]
        self.assertEqual(head, b"HTTP/1.1 200 OK")


if __name__ == "__main__":
    main()
