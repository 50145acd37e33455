#!/usr/bin/env python3
"""A city or group that no lot has: each public endpoint that takes one answers as it always
has (the same 404 problems, the same 200 zeros and ETags, the same empty lists, the same
stream), and the name appears and disappears with its lots (a PUT, a move to another city
and group, a DELETE). The daemon answers them from its set of the lots' names, rebuilt when a
lot is added, moved or deleted; these tests pin the answers that set must give."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, EventStream, main, sample_lot, wait_for  # noqa: E402

# What a selection of no lot adds up to, byte for byte (not stale: Redis is up).
ZERO_TOTALS = (b'{"free":0,"capacity":0,"occupied":0,"lots":0,"lots_open":0,"lots_full":0,'
               b'"lots_unknown":0,"updated_at":null}')
EMPTY_LIST = b'{"lots":[],"next_cursor":null}'
EMPTY_GEOJSON = b'{"type":"FeatureCollection","features":[],"next_cursor":null}'


def etag_of(body):
    """The daemon's entity tag of a body: FNV-1a, 64 bits, in hex and quotes (core/etag.c)."""
    value = 0xcbf29ce484222325
    for byte in body:
        value = ((value ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f'"{value:016x}"'


class UnknownNamesTest(DaemonTestCase):
    # One loop: every answer here comes from the owner's endpoints, the code under test.
    daemon_settings = {"workers": "1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index in range(3):
            response = cls.shared.put_lot(f"known-{index}", sample_lot(
                city="knowncity", groups=["knowngroup"], name=f"Known {index}"))
            assert response.status == 201, response.body

    def assertNoLotIn(self, city, group):
        """Every endpoint's answer for a city and a group that no lot has."""
        for path in (f"/v1/groups/{group}/history", f"/v1/groups/{group}/forecast"):
            self.assertProblem(self.shared.get(path), 404, "not-found",
                               f"no lot is in group '{group}'")
        self.assertProblem(self.shared.get(f"/parkapi/v1/{city}"), 404, "not-found",
                           f"no city '{city}'")
        for query in (f"city={city}", f"group={group}", f"city=knowncity&group={group}",
                      f"city={city}&group=knowngroup", f"city={city}&space=charging"):
            # Totals a sign follows are recomputed 20 ms after a change, as ever.
            wait_for(lambda: self.shared.get(f"/v1/totals?{query}").body == ZERO_TOTALS,
                     what=f"the zeros of {query}")
            response = self.shared.get(f"/v1/totals?{query}")
            self.assertEqual((response.status, response.body), (200, ZERO_TOTALS), query)
            self.assertEqual(response.header("ETag"), etag_of(ZERO_TOTALS))
            response = self.shared.get(f"/v1/totals.txt?{query}")
            self.assertEqual((response.status, response.body), (200, b"CLOSED\n"), query)
            self.assertEqual(response.header("ETag"), etag_of(b"CLOSED\n"))
        for query in (f"city={city}", f"group={group}", f"city={city}&group=knowngroup&limit=1",
                      f"group={group}&near=26.57,106.47&radius=1000"):
            for path, body in (("/v1/lots", EMPTY_LIST), ("/v1/lots.geojson", EMPTY_GEOJSON)):
                response = self.shared.get(f"{path}?{query}")
                self.assertEqual((response.status, response.body), (200, body), query)
                self.assertEqual(response.header("ETag"), etag_of(body))
                self.assertEqual(self.shared.get(f"{path}?{query}",
                                                 {"If-None-Match": etag_of(body)}).status, 304)

    def test_unknown_names_answer_as_before(self):
        self.assertNoLotIn("atlantis", "nowhere")
        # A kind outside the vocabulary selects nothing either.
        response = self.shared.get("/v1/totals?kind=castle")
        self.assertEqual((response.status, response.body), (200, ZERO_TOTALS))
        # Known names with no lot in common are a pass over the lots: the same zeros.
        response = self.shared.get("/v1/totals?city=knowncity&kind=reclaimed")
        self.assertEqual((response.body, response.header("ETag")),
                         (ZERO_TOTALS, etag_of(ZERO_TOTALS)))
        self.assertEqual(self.shared.get("/v1/lots?city=knowncity&kind=reclaimed").body,
                         EMPTY_LIST)

    def test_known_names_still_answer(self):
        self.assertEqual(self.shared.get("/v1/totals?group=knowngroup").json()["capacity"],
                         3 * 120)
        lots = self.shared.get("/v1/lots?city=knowncity&group=knowngroup").json()["lots"]
        self.assertEqual([lot["id"] for lot in lots], ["known-0", "known-1", "known-2"])
        self.assertEqual(self.shared.get("/v1/groups/knowngroup/history").status, 200)
        self.assertEqual(self.shared.get("/parkapi/v1/knowncity").status, 200)

    def test_a_stream_of_an_unknown_city_sends_no_lot_then_its_lots(self):
        stream = EventStream(self.shared, "city=streamcity")
        self.addCleanup(stream.close)
        # The first state: no lot, then the zeros.
        name, data = stream.next_event()
        self.assertEqual((name, data), ("totals", json.loads(ZERO_TOTALS)))
        response = self.shared.put_lot("stream-lot", sample_lot(city="streamcity"))
        self.assertEqual(response.status, 201, response.body)
        self.addCleanup(lambda: self.shared.as_admin("DELETE", "/v1/lots/stream-lot"))
        self.assertEqual(stream.next_named("lot")["id"], "stream-lot")
        self.assertEqual(stream.next_named("totals")["lots"], 1)
        # A stream opened now has the lot in its first state; one by lot id too.
        for query in ("city=streamcity", "lot=stream-lot", "city=streamcity&lot=stream-lot"):
            again = EventStream(self.shared, query)
            self.addCleanup(again.close)
            self.assertEqual(again.next_event()[0], "lot", query)
        # A lot id in another city: nothing but the (empty) totals, as before.
        other = EventStream(self.shared, "city=knowncity&lot=stream-lot")
        self.addCleanup(other.close)
        self.assertEqual(other.next_event()[0], "totals")
        unknown_group = EventStream(self.shared, "group=nowhere&lot=stream-lot")
        self.addCleanup(unknown_group.close)
        self.assertEqual(unknown_group.next_event(), ("totals", json.loads(ZERO_TOTALS)))

    def assertLotIn(self, lot_id, city, group):
        """The lot's city and group answer with it on every endpoint."""
        self.assertEqual(self.shared.get(f"/v1/groups/{group}/history").status, 200)
        self.assertEqual(self.shared.get(f"/v1/groups/{group}/forecast").status, 200)
        self.assertEqual(self.shared.get(f"/parkapi/v1/{city}").status, 200)
        for query in (f"city={city}", f"group={group}"):
            wait_for(lambda: self.shared.get(f"/v1/totals?{query}").json()["lots"] == 1,
                     what=f"the totals of {query}")
            totals = self.shared.get(f"/v1/totals?{query}").json()
            self.assertEqual((totals["lots"], totals["capacity"]), (1, 120), query)
            lots = self.shared.get(f"/v1/lots?{query}").json()["lots"]
            self.assertEqual([lot["id"] for lot in lots], [lot_id], query)
            features = self.shared.get(f"/v1/lots.geojson?{query}").json()["features"]
            self.assertEqual([feature["id"] for feature in features], [lot_id], query)

    def test_names_appear_and_disappear_with_their_lots(self):
        self.assertNoLotIn("harbour", "quay")
        self.assertNoLotIn("marsh", "fen")
        # Asked while unknown, the totals must still follow once a lot brings the name.
        response = self.shared.put_lot("moving", sample_lot(city="harbour", groups=["quay"]))
        self.assertEqual(response.status, 201, response.body)
        self.assertLotIn("moving", "harbour", "quay")
        self.assertNoLotIn("marsh", "fen")
        # A move to another city and group: the old names are gone at once, the new ones known.
        response = self.shared.put_lot("moving", sample_lot(city="marsh", groups=["fen"]))
        self.assertEqual(response.status, 200, response.body)
        self.assertLotIn("moving", "marsh", "fen")
        self.assertNoLotIn("harbour", "quay")
        response = self.shared.as_admin("DELETE", "/v1/lots/moving")
        self.assertEqual(response.status, 204, response.body)
        self.assertNoLotIn("marsh", "fen")
        self.assertNoLotIn("harbour", "quay")


class UnknownNamesWithWorkersTest(UnknownNamesTest):
    """The same answers when worker loops answer some of these reads (lists, kept totals)."""

    daemon_settings = {"workers": "2"}


if __name__ == "__main__":
    main()
