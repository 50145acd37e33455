#!/usr/bin/env python3
"""The driver page in headless Chromium (playwright-core), and GeoJSON checked by a real
consumer (geojson-validation), both from tests/browser/, against the demo city."""

import datetime
import os
import subprocess
import sys
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, SOURCE_ROOT, DaemonTestCase, main, sample_lot,  # noqa: E402
                     wait_for)

BROWSER_DIR = os.path.join(SOURCE_ROOT, "tests", "browser")


class BrowserTest(DaemonTestCase):
    load_demo = True

    def node(self, *arguments):
        result = subprocess.run(["node"] + list(arguments), capture_output=True, text=True,
                                cwd=BROWSER_DIR, timeout=120)
        print(result.stdout, end="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def test_driver_page_shows_lots_and_live_counts(self):
        page = self.shared.get("/")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("Content-Type"), "text/html; charset=utf-8")
        self.assertLessEqual(len(page.body), 50 * 1024)
        self.assertNotIn(b"http://", page.body)
        self.assertNotIn(b"https://", page.body)
        screenshot = os.path.join(BUILD_ROOT, "driver-page.png")
        token = open(self.shared.demo_token_path()).read().strip()
        output = self.node("driver-page.mjs", self.shared.base_url, token, "gov-city-hall",
                           screenshot)
        self.assertIn("update visible after", output)
        self.assertGreater(os.path.getsize(screenshot), 10000)

    def test_board_shows_the_total_live_and_closed(self):
        for lot_id in ("board-live-a", "board-live-b"):
            body = sample_lot(groups=["board-live"], hours=None, capacity=40)
            self.assertEqual(self.shared.put_lot(lot_id, body).status, 201)
            self.shared.post_occupancy(lot_id, {"occupied": 10})
        now = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))
        end = (now + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
        if (end - now).total_seconds() < 10:
            end += datetime.timedelta(minutes=1)
        window = f"00:00-{end:%H:%M}" if end.date() == now.date() else "00:00-24:00"
        body = sample_lot(groups=["board-closing"], hours={"dates": {now.date().isoformat(): window}})
        self.assertEqual(self.shared.put_lot("board-closing-a", body).status, 201)
        self.shared.post_occupancy("board-closing-a", {"occupied": 3})
        wait_for(lambda: self.shared.get("/v1/totals?group=board-live").json()["lots"] == 2)
        page = self.shared.get("/board")
        self.assertEqual(page.status, 200)
        self.assertLessEqual(len(page.body), 50 * 1024)
        output = self.node("board-page.mjs", self.shared.base_url, self.shared.admin_token(),
                           os.path.join(BUILD_ROOT, "board-page.png"))
        self.assertIn("CLOSED shown when the group closed", output)

    def test_geojson_is_valid_for_a_real_consumer(self):
        response = self.shared.get("/v1/lots.geojson?limit=500")
        self.assertEqual(response.status, 200)
        path = os.path.join(self.shared.workdir, "lots.geojson")
        with open(path, "wb") as out:
            out.write(response.body)
        count = len(self.shared.get("/v1/lots?limit=500").json()["lots"])
        self.assertGreaterEqual(count, 29)
        self.assertIn(f"valid GeoJSON: {count} features", self.node("geojson-check.mjs", path))


if __name__ == "__main__":
    main()
