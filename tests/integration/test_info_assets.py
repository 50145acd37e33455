#!/usr/bin/env python3
"""GET /v1/info (version, timezone, map settings, areas) and Leaflet's files served from
leaflet_dir under /assets/leaflet/: ETags, 304, reload on SIGHUP, a missing directory, and
the tile server's origin in the pages' Content-Security-Policy."""

import gzip
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SERVER, IntegrationTestCase, main, sample_lot,  # noqa: E402
                     wait_for)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PLAIN_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
             "style-src 'self' 'unsafe-inline'; img-src 'self' data:")


def make_leaflet(directory, script=b"/* leaflet */ var L = {};\n" * 100):
    """A stand-in for Debian's libjs-leaflet: the files the daemon serves."""
    os.makedirs(os.path.join(directory, "images"), exist_ok=True)
    files = {"leaflet.min.js": script, "leaflet.js": b"/* the unminified one */\n",
             "leaflet.css": b".leaflet-container { overflow: hidden; }\n" * 40}
    for name in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png",
                 "marker-shadow.png"):
        files["images/" + name] = PNG
    for name, body in files.items():
        with open(os.path.join(directory, name), "wb") as out:
            out.write(body)
    return directory


class InfoAndAssetsTest(IntegrationTestCase):
    def started(self, **settings):
        daemon = self.daemon()
        if "leaflet_dir" not in settings:
            settings["leaflet_dir"] = make_leaflet(os.path.join(daemon.workdir, "leaflet"))
        daemon.settings.update(settings)
        daemon.start()
        return daemon

    def test_info_names_the_areas_the_lots_are_in(self):
        daemon = self.started(timezone="Asia/Shanghai")
        lots = {"north-a": (["admin-centre"], 26.60, 106.40),
                "north-b": (["admin-centre", "market"], 26.58, 106.48),
                "south-a": (["market"], 26.50, 106.45),
                "loner": ([], 26.00, 106.00)}
        for lot_id, (groups, lat, lon) in lots.items():
            body = sample_lot(groups=groups, location={"lat": lat, "lon": lon})
            self.assertEqual(daemon.put_lot(lot_id, body).status, 201)
        answer = daemon.get("/v1/info")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.header("Content-Type"), "application/json")
        info = answer.json()
        version = subprocess.run([SERVER, "--version"], capture_output=True, text=True).stdout
        self.assertIn(info["version"], version)
        self.assertEqual(info["timezone"], "Asia/Shanghai")
        self.assertEqual(info["map"], {"leaflet": True, "tiles": None, "attribution": None,
                                       "nearly_full_share": 0.1})
        self.assertEqual(info["areas"], [
            {"id": "admin-centre", "name": None, "names": {}, "lots": 2,
             "bbox": [106.40, 26.58, 106.48, 26.60]},
            {"id": "market", "name": None, "names": {}, "lots": 2,
             "bbox": [106.45, 26.50, 106.48, 26.58]},
        ])
        # Cached by its tag; a lot moving into an area changes the answer.
        tag = answer.header("ETag")
        self.assertEqual(daemon.get("/v1/info", {"If-None-Match": tag}).status, 304)
        body = sample_lot(groups=["market"], location={"lat": 26.40, "lon": 106.30})
        self.assertEqual(daemon.put_lot("south-b", body).status, 201)
        again = daemon.get("/v1/info", {"If-None-Match": tag})
        self.assertEqual(again.status, 200)
        self.assertEqual(again.json()["areas"][1],
                         {"id": "market", "name": None, "names": {}, "lots": 3,
                          "bbox": [106.30, 26.40, 106.48, 26.58]})
        # An area named with PUT /v1/groups/{id} carries its names, as GET /v1/groups gives them.
        named = daemon.as_admin("PUT", "/v1/groups/market",
                                {"name": "市场片区", "names": {"en": "Market Quarter"}})
        self.assertIn(named.status, (200, 201), named.body)
        wait_for(lambda: daemon.get("/v1/info").json()["areas"][1].get("name") == "市场片区",
                 what="the area's name in /v1/info")
        self.assertEqual(daemon.get("/v1/info").json()["areas"][1]["names"], {"en": "Market Quarter"})

    def test_leaflet_files_are_served_with_tags_and_reloaded(self):
        daemon = self.started()
        leaflet = daemon.settings["leaflet_dir"]
        script = daemon.get("/assets/leaflet/leaflet.js")
        self.assertEqual(script.status, 200)
        # The minified script is preferred to the full one.
        self.assertEqual(script.body, b"/* leaflet */ var L = {};\n" * 100)
        self.assertEqual(script.header("Content-Type"), "text/javascript; charset=utf-8")
        tag = script.header("ETag")
        self.assertRegex(tag, r'^"[0-9a-f]{16}"$')
        self.assertEqual(daemon.get("/assets/leaflet/leaflet.js",
                                    {"If-None-Match": tag}).status, 304)
        packed = daemon.get("/assets/leaflet/leaflet.js", {"Accept-Encoding": "gzip"})
        self.assertEqual(packed.header("Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(packed.body), script.body)
        style = daemon.get("/assets/leaflet/leaflet.css")
        self.assertEqual((style.status, style.header("Content-Type")),
                         (200, "text/css; charset=utf-8"))
        for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png", "layers.png"):
            image = daemon.get("/assets/leaflet/images/" + name, {"Accept-Encoding": "gzip"})
            self.assertEqual((image.status, image.header("Content-Type"), image.body),
                             (200, "image/png", PNG), name)
            self.assertIsNone(image.header("Content-Encoding"))
        for path in ("/assets/leaflet/leaflet.min.js", "/assets/leaflet/images/nothing.png",
                     "/assets/leaflet/..%2Fleaflet.js", "/assets/leaflet/images/..%2F..%2Fx"):
            self.assertProblem(daemon.get(path), 404, "not-found")
        # SIGHUP reads the files again: a new tag from the next request on.
        with open(os.path.join(leaflet, "leaflet.min.js"), "wb") as out:
            out.write(b"/* leaflet, upgraded */\n")
        daemon.signal(signal.SIGHUP)
        wait_for(lambda: daemon.get("/assets/leaflet/leaflet.js").body ==
                 b"/* leaflet, upgraded */\n", what="the reloaded script")
        fresh = daemon.get("/assets/leaflet/leaflet.js", {"If-None-Match": tag})
        self.assertEqual(fresh.status, 200)
        self.assertNotEqual(fresh.header("ETag"), tag)

    def test_a_missing_leaflet_leaves_the_daemon_and_the_list_working(self):
        daemon = self.daemon()
        daemon.settings["leaflet_dir"] = os.path.join(daemon.workdir, "no-such-dir")
        daemon.start()
        self.assertIn("7 of Leaflet's 7 files are missing in " + daemon.settings["leaflet_dir"],
                      daemon.log_text())
        self.assertEqual(daemon.get("/").status, 200)
        self.assertEqual(daemon.get("/v1/lots").status, 200)
        self.assertProblem(daemon.get("/assets/leaflet/leaflet.js"), 404, "not-found",
                           "this daemon has no file /assets/leaflet/leaflet.js")
        self.assertFalse(daemon.get("/v1/info").json()["map"]["leaflet"])

    def test_tiles_are_allowed_by_the_pages_policy_only_when_configured(self):
        plain = self.started()
        for path in ("/", "/board"):
            self.assertEqual(plain.get(path).header("Content-Security-Policy"), PLAIN_CSP)
        tiles = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
        daemon = self.started(map_tiles=tiles, map_attribution="© Example contributors")
        self.assertEqual(daemon.get("/").header("Content-Security-Policy"),
                         PLAIN_CSP + " https://*.tile.example.org")
        self.assertEqual(daemon.get("/v1/info").json()["map"],
                         {"leaflet": True, "tiles": tiles,
                          "attribution": "© Example contributors", "nearly_full_share": 0.1})

    def test_a_map_tiles_that_is_no_template_is_refused_at_start(self):
        daemon = self.daemon()
        daemon.settings["map_tiles"] = "tiles.example.org; img-src *"
        result = subprocess.run(daemon.command(), capture_output=True, text=True, timeout=30,
                                cwd=daemon.workdir)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("map_tiles: must be an http:// or https:// URL template with {z}, {x} "
                      "and {y}", result.stderr)


if __name__ == "__main__":
    main()
