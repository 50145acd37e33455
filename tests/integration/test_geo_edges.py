#!/usr/bin/env python3
"""Geo reads at the edges of the map: boxes across the antimeridian, circles that wrap round
it or round a pole, latitudes at the limits, and world-wide boxes that stay cheap."""

import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_LOT_COUNT, DaemonTestCase, main, sample_lot, wait_for  # noqa: E402

# Lots at the edges, in a city of their own: id → (lat, lon).
EDGE_LOTS = {
    "edge-east": (0.0, 179.8),
    "edge-on-line": (3.0, 180.0),
    "edge-west": (5.0, -175.0),
    "edge-far-west": (0.0, -169.5),
    "edge-greenwich": (0.0, 0.0),
    "edge-north": (89.05, 36.3),   # 49.6 km from 89,10 but 26.3 degrees of longitude away
    "edge-pole": (89.995, 123.0),  # 556 m from the north pole
    "edge-south": (-89.9, -179.99),
}


class GeoEdgesTest(DaemonTestCase):
    load_demo = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id, (lat, lon) in EDGE_LOTS.items():
            body = sample_lot(location={"lat": lat, "lon": lon}, city="edgecity", hours=None,
                              calendar=None)
            response = cls.shared.put_lot(lot_id, body)
            assert response.status == 201, response.body
        wait_for(lambda: len(cls.shared.get("/v1/lots?city=edgecity&limit=500").json()["lots"])
                 == len(EDGE_LOTS), what="the edge lots")

    def ids(self, query):
        response = self.shared.get("/v1/lots?city=edgecity&limit=500&" + query)
        self.assertEqual(response.status, 200, response.body)
        return [lot["id"] for lot in response.json()["lots"]]

    def test_bbox_across_the_antimeridian(self):
        self.assertEqual(self.ids("bbox=170,-10,-170,10"),
                         ["edge-east", "edge-on-line", "edge-west"])
        self.assertEqual(self.ids("bbox=179,-90,-179,90"),
                         ["edge-east", "edge-on-line", "edge-south"])
        # The same box the usual way round is the rest of the world.
        self.assertEqual(self.ids("bbox=-170,-10,170,10"), ["edge-far-west", "edge-greenwich"])
        geojson = self.shared.get("/v1/lots.geojson?city=edgecity&bbox=170,-10,-170,10")
        self.assertEqual(geojson.status, 200)
        self.assertEqual(sorted(f["id"] for f in geojson.json()["features"]),
                         ["edge-east", "edge-on-line", "edge-west"])

    def test_near_wraps_round_the_antimeridian(self):
        answer = self.shared.get("/v1/lots?city=edgecity&near=0,-179.9&radius=50000").json()
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in answer["lots"]],
                         [("edge-east", 33359)])
        answer = self.shared.get("/v1/lots?city=edgecity&near=3,-180&radius=1").json()
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in answer["lots"]],
                         [("edge-on-line", 0)])

    def test_near_close_to_the_poles(self):
        answer = self.shared.get("/v1/lots?city=edgecity&near=89,10&radius=50000").json()
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in answer["lots"]],
                         [("edge-north", 49623)])
        answer = self.shared.get("/v1/lots?city=edgecity&near=90,0&radius=1000").json()
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in answer["lots"]],
                         [("edge-pole", 556)])
        # Across the south pole from the other side of the globe.
        answer = self.shared.get("/v1/lots?city=edgecity&near=-89.95,0.5&radius=20000").json()
        self.assertEqual([(lot["id"], lot["distance_m"]) for lot in answer["lots"]],
                         [("edge-south", 16679)])

    def test_latitudes_at_and_past_the_limits(self):
        self.assertEqual(len(self.ids("bbox=-180,-90,180,90")), len(EDGE_LOTS))
        for query, field in (("bbox=-180,-91,180,90", "bbox"), ("bbox=-181,-90,180,90", "bbox"),
                             ("bbox=0,10,1,5", "bbox"), ("near=90.5,0", "near"),
                             ("near=0,180.5", "near")):
            with self.subTest(query=query):
                document = self.assertProblem(self.shared.get(f"/v1/lots?{query}"), 422,
                                              "validation")
                self.assertEqual(document["errors"][0]["field"], field)

    def test_world_boxes_are_cheap_and_health_stays_prompt(self):
        health_latencies, stop = [], threading.Event()

        def watch_health():
            connection = http.client.HTTPConnection("127.0.0.1", self.shared.port, timeout=10)
            while not stop.is_set():
                started = time.monotonic()
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                health_latencies.append((time.monotonic() - started, response.status))
                time.sleep(0.005)
            connection.close()

        watcher = threading.Thread(target=watch_health)
        watcher.start()
        connection = http.client.HTTPConnection("127.0.0.1", self.shared.port, timeout=10)
        started = time.monotonic()
        try:
            for _ in range(20):
                connection.request("GET", "/v1/lots?bbox=-180,-90,180,90&limit=500")
                response = connection.getresponse()
                body = response.read()
                self.assertEqual(response.status, 200)
                self.assertEqual(len(json.loads(body)["lots"]), DEMO_LOT_COUNT + len(EDGE_LOTS))
        finally:
            elapsed = time.monotonic() - started
            stop.set()
            watcher.join()
            connection.close()
        print(f"20 world-wide bbox lists ({DEMO_LOT_COUNT + len(EDGE_LOTS)} lots each) in "
              f"{elapsed * 1000:.1f} ms; /healthz answered {len(health_latencies)} times "
              f"meanwhile, slowest {max(t for t, _ in health_latencies) * 1000:.1f} ms")
        self.assertLess(elapsed, 1.0)
        self.assertTrue(health_latencies)
        self.assertTrue(all(status == 200 for _, status in health_latencies))
        self.assertLess(max(t for t, _ in health_latencies), 1.0)


if __name__ == "__main__":
    main()
