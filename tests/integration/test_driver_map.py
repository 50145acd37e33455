#!/usr/bin/env python3
"""The driver page's map in headless Chromium (tests/browser/map-page.mjs): markers by
state, a marker's card, list and marker highlighting each other, live updates, Chinese and
English, axe-core, the daemon's timezone for "today", no request outside the daemon; and a
count gone stale shown as 暂无数据, never as a number."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, SOURCE_ROOT, DaemonTestCase,  # noqa: E402
                     IntegrationTestCase, free_port, main, sample_lot, wait_for)

BROWSER_DIR = os.path.join(SOURCE_ROOT, "tests", "browser")
CLOSED_ALL_WEEK = {"workday": "off", "weekend": "off", "holiday": "off"}

# id: (name, English name, capacity, occupied or None, hours, lat, lon)
LOTS = {
    "map-open": ("人民广场停车场", "People's Square Car Park", 100, 10, None, 26.560, 106.460),
    "map-nearly": ("东门停车场", "East Gate Car Park", 40, 37, None, 26.565, 106.470),
    "map-full": ("市政府大院停车场", "City Hall Car Park", 20, 20, None, 26.570, 106.465),
    "map-closed": ("图书馆停车场", "Library Car Park", 30, 5, CLOSED_ALL_WEEK, 26.555, 106.475),
    "map-unknown": ("体育馆停车场", "Stadium Car Park", 50, None, None, 26.575, 106.455),
}


def node(*arguments):
    result = subprocess.run(["node"] + list(arguments), capture_output=True, text=True,
                            cwd=BROWSER_DIR, timeout=180)
    print(result.stdout, end="")
    return result


class DriverMapTest(DaemonTestCase):
    daemon_settings = {"timezone": "Asia/Shanghai"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id, (name, english, capacity, occupied, hours, lat, lon) in LOTS.items():
            body = sample_lot(name=name, names={"en": english}, groups=["map-test"],
                              capacity=capacity, location={"lat": lat, "lon": lon},
                              hours=hours, fee="paid" if occupied else "free")
            assert cls.shared.put_lot(lot_id, body).status == 201
            if occupied is not None:
                assert cls.shared.post_occupancy(lot_id, {"occupied": occupied}).status == 200

    def test_map_list_languages_and_clock(self):
        states = {lot["id"]: lot["state"] for lot in
                  self.shared.get("/v1/lots?group=map-test").json()["lots"]}
        self.assertEqual(states, {"map-open": "open", "map-nearly": "open", "map-full": "full",
                                  "map-closed": "closed", "map-unknown": "unknown"})
        result = node("map-page.mjs", self.shared.base_url, self.shared.admin_token(), "map",
                      BUILD_ROOT)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("map: 5 markers in 5 states, update on map and list after", result.stdout)
        self.assertIn('clock: at 01:00 Beijing time with the browser in UTC: "', result.stdout)
        for name in ("driver-desktop.png", "driver-phone.png"):
            self.assertGreater(os.path.getsize(os.path.join(BUILD_ROOT, name)), 10000)

    def test_names_in_english_are_kept_and_checked(self):
        self.assertEqual(self.shared.get("/v1/lots/map-full").json()["names"],
                         {"en": "City Hall Car Park"})
        response = self.shared.put_lot("map-bad-names", sample_lot(names={"English": "x"}))
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"],
                         [{"field": "names.English",
                           "rule": "is not a language tag such as en or en-GB"}])
        self.assertEqual(self.shared.get("/v1/lots/map-bad-names").status, 404)


class MapNoticesTest(IntegrationTestCase):
    """The map's one-line notices, each with a daemon of its own."""

    def lot_page(self, **settings):
        daemon = self.daemon()
        daemon.settings.update(settings)
        if settings.get("leaflet_dir") == "missing":
            daemon.settings["leaflet_dir"] = os.path.join(daemon.workdir, "no-leaflet")
        daemon.start()
        self.assertEqual(daemon.put_lot("notice-lot", sample_lot(hours=None)).status, 201)
        return daemon

    def test_tiles_that_fail_are_said_in_one_line(self):
        port = free_port()  # nothing listens there
        daemon = self.lot_page(map_tiles=f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png")
        self.assertIn(f"img-src 'self' data: http://127.0.0.1:{port}",
                      daemon.get("/").header("Content-Security-Policy"))
        result = node("map-page.mjs", daemon.base_url, daemon.admin_token(), "tiles-fail")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"notice: \"地图底图加载失败，仅显示停车场位置。\" with 1 lots listed; "
                      f"requests outside the daemon: 127.0.0.1:{port}", result.stdout)

    def test_without_leaflet_the_list_still_works(self):
        daemon = self.lot_page(leaflet_dir="missing")
        result = node("map-page.mjs", daemon.base_url, daemon.admin_token(), "no-map")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("notice: \"地图暂不可用，列表照常更新。\" with 1 lots listed; "
                      "requests outside the daemon: none", result.stdout)


class StaleCountTest(DaemonTestCase):
    daemon_settings = {"stale_after": "1"}

    def test_a_stale_count_is_no_data_not_a_number(self):
        self.assertEqual(self.shared.put_lot("stale-lot", sample_lot(hours=None)).status, 201)
        self.assertEqual(self.shared.post_occupancy("stale-lot", {"occupied": 7}).status, 200)
        wait_for(lambda: self.shared.get("/v1/lots/stale-lot").json()["free"] is None,
                 what="the count to turn stale")
        result = node("map-page.mjs", self.shared.base_url, self.shared.admin_token(), "stale",
                      "stale-lot")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("stale: stale-lot shows 暂无数据 and no number", result.stdout)


if __name__ == "__main__":
    main()
