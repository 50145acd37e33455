#!/usr/bin/env python3
"""The driver page in headless Chromium (playwright-core), and GeoJSON checked by a real
consumer (geojson-validation), both from tests/browser/, against the demo city."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BUILD_ROOT, SOURCE_ROOT, Daemon, DaemonTestCase, main, wait_for  # noqa: E402

BROWSER_DIR = os.path.join(SOURCE_ROOT, "tests", "browser")


class BrowserTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        demo = os.path.join(SOURCE_ROOT, "config", "demo", "lots.json")
        cls.daemon_ = Daemon(settings={"demo": demo}).start()
        wait_for(lambda: len(cls.daemon_.get("/v1/lots?limit=500").json()["lots"]) == 29,
                 what="the demo city")
        cls.token_path = os.path.join(cls.daemon_.data_dir, "attendant-gov-city-hall.token")
        wait_for(lambda: os.path.exists(cls.token_path), what="the demo attendant token")

    @classmethod
    def tearDownClass(cls):
        cls.daemon_.stop()
        cls.daemon_.cleanup()

    def node(self, *arguments):
        result = subprocess.run(["node"] + list(arguments), capture_output=True, text=True,
                                cwd=BROWSER_DIR, timeout=120)
        print(result.stdout, end="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def test_driver_page_shows_lots_and_live_counts(self):
        page = self.daemon_.get("/")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("Content-Type"), "text/html; charset=utf-8")
        self.assertLessEqual(len(page.body), 50 * 1024)
        self.assertNotIn(b"http://", page.body)
        self.assertNotIn(b"https://", page.body)
        screenshot = os.path.join(BUILD_ROOT, "driver-page.png")
        token = open(self.token_path).read().strip()
        output = self.node("driver-page.mjs", self.daemon_.base_url, token, "gov-city-hall",
                           screenshot)
        self.assertIn("update visible after", output)
        self.assertGreater(os.path.getsize(screenshot), 10000)

    def test_geojson_is_valid_for_a_real_consumer(self):
        response = self.daemon_.get("/v1/lots.geojson?limit=500")
        self.assertEqual(response.status, 200)
        path = os.path.join(self.daemon_.workdir, "lots.geojson")
        with open(path, "wb") as out:
            out.write(response.body)
        self.assertIn("valid GeoJSON: 29 features", self.node("geojson-check.mjs", path))


if __name__ == "__main__":
    main()
