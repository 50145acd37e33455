#!/usr/bin/env python3
"""Geo reads against a brute-force reference: near with radius, bbox, sort order, filters
and cursors that neither skip nor repeat while counts change."""

import datetime
import json
import math
import os
import random
import sys
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_LOT_COUNT, DEMO_LOTS, DaemonTestCase, main, sample_lot, wait_for  # noqa: E402

CENTRE = (26.5705, 106.4707)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
EARTH = 6371008.8


def distance(lat1, lon1, lat2, lon2):
    radians = math.pi / 180
    dlat, dlon = (lat2 - lat1) * radians, (lon2 - lon1) * radians
    a = (math.sin(dlat / 2) ** 2
         + math.cos(lat1 * radians) * math.cos(lat2 * radians) * math.sin(dlon / 2) ** 2)
    return 2 * EARTH * math.asin(math.sqrt(min(a, 1)))


class GeoTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(20261124)
        cls.lots = {}
        for index in range(300):
            lat = CENTRE[0] + rng.uniform(-0.08, 0.08)
            lon = CENTRE[1] + rng.uniform(-0.08, 0.08)
            lot_id = f"geo-{index:03d}"
            cls.lots[lot_id] = (lat, lon)
            body = sample_lot(location={"lat": lat, "lon": lon}, city="geocity",
                              hours=None if index % 3 else {"weekend": "24h"},
                              capacity=50)
            response = cls.shared.put_lot(lot_id, body)
            assert response.status == 201, response.body
        wait_for(lambda: len(cls.shared.get("/v1/lots?city=geocity&limit=500").json()["lots"])
                 == 300, what="all 300 lots")

    def reference(self, lat, lon, radius):
        found = []
        for lot_id, (lot_lat, lot_lon) in self.lots.items():
            metres = distance(lat, lon, lot_lat, lot_lon)
            if round(metres) <= radius:
                found.append((round(metres * 1000), lot_id, metres))
        return sorted(found)

    def test_near_matches_brute_force(self):
        for lat, lon, radius in ((CENTRE[0], CENTRE[1], 2000), (26.60, 106.50, 5000),
                                 (26.5, 106.4, 800), (CENTRE[0], CENTRE[1], 50000)):
            with self.subTest(lat=lat, lon=lon, radius=radius):
                expected = [row for row in self.reference(lat, lon, radius)
                            if abs(row[2] - radius) > 0.5]
                answer = self.shared.get(f"/v1/lots?near={lat},{lon}&radius={radius}"
                                         "&limit=500&city=geocity").json()
                got = [(lot["id"], lot["distance_m"]) for lot in answer["lots"]]
                self.assertEqual([lot_id for lot_id, _ in got],
                                 [lot_id for _, lot_id, _ in expected])
                for (lot_id, metres), row in zip(got, expected):
                    self.assertEqual(metres, round(row[2]))
                distances = [metres for _, metres in got]
                self.assertEqual(distances, sorted(distances))

    def test_radius_edges(self):
        # Due north of a point far from the generated lots, 999 m and 1001 m away.
        origin = (27.0, 106.0)
        for lot_id, metres in (("edge-in", 999.0), ("edge-out", 1001.0), ("edge-on", 1000.0)):
            lat = origin[0] + metres / EARTH * 180 / math.pi
            self.assertEqual(self.shared.as_admin(
                "PUT", f"/v1/lots/{lot_id}", sample_lot(location={"lat": lat, "lon": origin[1]},
                                                         city="edgecity")).status, 201)
        wait_for(lambda: len(self.shared.get("/v1/lots?city=edgecity").json()["lots"]) == 3)
        answer = self.shared.get(f"/v1/lots?near={origin[0]},{origin[1]}&radius=1000").json()
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in answer["lots"]],
                         [("edge-in", 999), ("edge-on", 1000)])
        wider = self.shared.get(f"/v1/lots?near={origin[0]},{origin[1]}&radius=1002").json()
        self.assertEqual([lot["id"] for lot in wider["lots"]], ["edge-in", "edge-on", "edge-out"])

    def test_default_radius_is_2000(self):
        answer = self.shared.get(f"/v1/lots?near={CENTRE[0]},{CENTRE[1]}&limit=500"
                                 "&city=geocity").json()
        self.assertEqual(len(answer["lots"]), len(self.reference(*CENTRE, 2000)))
        self.assertTrue(all(lot["distance_m"] <= 2000 for lot in answer["lots"]))

    def test_bbox_and_antimeridian(self):
        box = (106.44, 26.55, 106.49, 26.59)
        answer = self.shared.get("/v1/lots?bbox=%s,%s,%s,%s&limit=500&city=geocity" % box).json()
        expected = sorted(lot_id for lot_id, (lat, lon) in self.lots.items()
                          if box[1] <= lat <= box[3] and box[0] <= lon <= box[2])
        self.assertEqual([lot["id"] for lot in answer["lots"]], expected)
        # Across the antimeridian (minlon > maxlon): nothing of this city lies there.
        response = self.shared.get("/v1/lots?bbox=179,-10,-179,10&city=geocity")
        self.assertEqual(response.json(), {"lots": [], "next_cursor": None})

    def test_open_and_min_free_filters(self):
        open_lots = self.shared.get("/v1/lots?city=geocity&open=true&limit=500").json()["lots"]
        self.assertTrue(all(lot["open_now"] for lot in open_lots))
        self.assertGreaterEqual(len(open_lots), 200)  # two thirds have no hours: always open
        self.shared.post_occupancy("geo-001", {"occupied": 45})
        self.shared.post_occupancy("geo-002", {"occupied": 10})
        wait_for(lambda: self.shared.get("/v1/lots/geo-002").json()["occupied"] == 10)
        ids = [lot["id"] for lot in
               self.shared.get("/v1/lots?city=geocity&min_free=10&limit=500").json()["lots"]]
        self.assertIn("geo-002", ids)
        self.assertNotIn("geo-001", ids)  # 5 free
        self.assertNotIn("geo-004", ids)  # no count: free unknown

    def test_near_pagination_neither_skips_nor_repeats_while_counts_change(self):
        query = f"/v1/lots?near={CENTRE[0]},{CENTRE[1]}&radius=6000&city=geocity&limit=7"
        everything = [lot["id"] for lot in self.shared.get(
            query.replace("limit=7", "limit=500")).json()["lots"]]
        seen, cursor, page = [], None, 0
        while True:
            answer = self.shared.get(query + (f"&cursor={cursor}" if cursor else "")).json()
            seen += [lot["id"] for lot in answer["lots"]]
            # Counts change between pages; the order does not depend on them.
            self.shared.post_occupancy(answer['lots'][0]['id'], {"delta": 1})
            cursor = answer["next_cursor"]
            page += 1
            if cursor is None:
                break
        self.assertEqual(seen, everything)
        self.assertEqual(len(seen), len(set(seen)))
        self.assertGreater(page, 3)

    def test_geojson(self):
        response = self.shared.get(f"/v1/lots.geojson?near={CENTRE[0]},{CENTRE[1]}&radius=1500"
                                   "&city=geocity&limit=500")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.header("Content-Type"), "application/geo+json")
        collection = response.json()
        self.assertEqual(collection["type"], "FeatureCollection")
        expected = [lot_id for _, lot_id, _ in self.reference(CENTRE[0], CENTRE[1], 1500)]
        self.assertEqual([feature["id"] for feature in collection["features"]], expected)
        for feature in collection["features"]:
            self.assertEqual(feature["type"], "Feature")
            self.assertEqual(feature["geometry"]["type"], "Point")
            lat, lon = self.lots[feature["id"]]
            self.assertAlmostEqual(feature["geometry"]["coordinates"][0], lon, places=9)
            self.assertAlmostEqual(feature["geometry"]["coordinates"][1], lat, places=9)
            self.assertEqual(feature["properties"]["id"], feature["id"])
            self.assertIn("state", feature["properties"])

    def test_bad_filters(self):
        for query, field in (("near=91,0", "near"), ("near=1", "near"), ("radius=5", "radius"),
                             ("near=1,2&radius=50001", "radius"), ("open=yes", "open"),
                             ("min_free=-1", "min_free"), ("bbox=1,2,3", "bbox")):
            with self.subTest(query=query):
                document = self.assertProblem(self.shared.get(f"/v1/lots?{query}"), 422,
                                              "validation")
                self.assertEqual(document["errors"][0]["field"], field)

    def test_list_items_are_the_single_lot_answers(self):
        for path, cursor in (("/v1/lots?city=geocity&limit=3", b'"geo-002.9095c0dc"'),
                             ("/v1/lots?city=geocity&limit=3&cursor=geo-296.ca0d48cc", b"null")):
            with self.subTest(path=path):
                listed = self.shared.get(path)
                ids = [lot["id"] for lot in listed.json()["lots"]]
                singles = [self.shared.get(f"/v1/lots/{lot_id}").body for lot_id in ids]
                self.assertEqual(listed.body, b'{"lots":[' + b",".join(singles)
                                 + b'],"next_cursor":' + cursor + b"}")

    def test_a_change_shows_in_the_next_list_answer(self):
        lists = ["/v1/lots?city=geocity&limit=500", "/v1/lots.geojson?city=geocity&limit=500",
                 f"/v1/lots?near={CENTRE[0]},{CENTRE[1]}&radius=50000&city=geocity&limit=500"]
        for occupied in (7, 8):
            for path in lists:  # asked twice: kept as popular answers
                self.shared.get(path)
                self.shared.get(path)
            etags = [self.shared.get(path).header("ETag") for path in lists]
            self.shared.post_occupancy("geo-150", {"occupied": occupied})
            wait_for(lambda: self.shared.get("/v1/lots/geo-150").json()["occupied"] == occupied,
                     what="the write in the snapshot")
            # The snapshot has the change: the very next list answers show it.
            for path, etag in zip(lists, etags):
                response = self.shared.get(path, headers={"If-None-Match": etag})
                self.assertEqual(response.status, 200, path)
                document = response.json()
                lots = document.get("lots") or [feature["properties"]
                                                for feature in document["features"]]
                self.assertEqual([lot["occupied"] for lot in lots if lot["id"] == "geo-150"],
                                 [occupied], path)

    def test_open_lists_follow_the_clock_without_any_write(self):
        # Open for one minute from the next whole minute at least 5 s away.
        start = (datetime.datetime.now(SHANGHAI) + datetime.timedelta(seconds=65)).replace(
            second=0, microsecond=0)
        window = f"{start:%H:%M}-{start + datetime.timedelta(minutes=1):%H:%M}"
        lot = sample_lot(hours={"dates": {start.date().isoformat(): window}}, city="clockcity")
        response = self.shared.put_lot("clock-lot", lot)
        self.assertEqual(response.status, 201, response.body)
        wait_for(lambda: self.shared.get("/v1/lots/clock-lot").status == 200, what="the lot")
        open_list = "/v1/lots?city=clockcity&open=true"
        self.assertEqual(self.shared.get(open_list).json()["lots"], [])
        self.assertEqual(self.shared.get(open_list).json()["lots"], [])
        # No write from here on: only the daemon's timer can change the answer.
        wait_for(lambda: self.shared.get(open_list).json()["lots"], timeout=90, interval=0.2,
                 what="the lot to open by the clock")
        flipped_at = datetime.datetime.now(SHANGHAI)
        self.assertLess((flipped_at - start).total_seconds(), 5)
        self.assertEqual(self.shared.get("/v1/lots?city=clockcity&open=false").json()["lots"], [])


class WorldBoxTest(DaemonTestCase):
    load_demo = True

    def test_world_bbox_lists_every_demo_lot_in_id_order(self):
        with open(DEMO_LOTS) as demo:
            ids = sorted(lot["id"] for lot in json.load(demo)["lots"])
        self.assertEqual(len(ids), DEMO_LOT_COUNT)
        answer = self.shared.get("/v1/lots?bbox=-180,-90,180,90&limit=500").json()
        self.assertEqual([lot["id"] for lot in answer["lots"]], ids)
        self.assertIsNone(answer["next_cursor"])


if __name__ == "__main__":
    main()
