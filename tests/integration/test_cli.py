#!/usr/bin/env python3
"""parkshare-cli against a real daemon: reads, attendant updates, the offline queue (exactly
once across outages, crashes and corrupt lines), and board --once."""

import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, DEMO_LOTS, SOURCE_ROOT, IntegrationTestCase, main,  # noqa: E402
                     sample_lot, wait_for)

CLI = os.path.join(BUILD_ROOT, "client", "parkshare-cli")


class CliTest(IntegrationTestCase):
    def setUp(self):
        self.d = self.daemon(settings={"demo": DEMO_LOTS}).start()
        self.d.wait_for_demo()
        # The demo starts each lot at a plausible count; these tests count from zero.
        self.assertEqual(self.d.as_admin("POST", "/v1/lots/gov-city-hall/occupancy",
                                         {"occupied": 0}).status, 200)
        self.token_path = self.d.demo_token_path()
        self.queue = os.path.join(self.d.workdir, "state", "parkshare", "queue")

    def cli(self, *arguments, token_file=None, url=None):
        command = [CLI, "-u", url or self.d.base_url, "--queue", self.queue]
        if token_file:
            command += ["--token-file", token_file]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        return subprocess.run(command + list(arguments), capture_output=True, text=True,
                              timeout=60, env=environment)

    def occupied(self, lot_id="gov-city-hall"):
        # Straight from Redis: the daemon's snapshot follows a moment later.
        value = self.d.redis_cli("HGET", f"ps:lot:{lot_id}", "occupied")
        return int(value) if value else None

    def test_reads(self):
        result = self.cli("lots")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("gov-city-hall", result.stdout)
        self.assertEqual(len(result.stdout.splitlines()), 30)  # header and 29 lots
        result = self.cli("--json", "lots", "--group", "tourist-quarter")
        lots = json.loads(result.stdout)["lots"]
        self.assertTrue(lots and all(lot["groups"] == ["tourist-quarter"] for lot in lots))
        result = self.cli("lot", "gov-city-hall")
        self.assertEqual(result.returncode, 0)
        self.assertIn("市政府大院停车场 (gov-city-hall)", result.stdout)
        result = self.cli("schedule", "gov-finance", "--days", "3")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(result.stdout.splitlines()), 3)
        result = self.cli("--json", "totals", "--group", "admin-centre")
        self.assertEqual(json.loads(result.stdout)["lots"], 9)
        result = self.cli("lot", "no-such-lot")
        self.assertEqual(result.returncode, 4)
        self.assertIn("no lot 'no-such-lot'", result.stderr)
        result = self.cli("frobnicate")
        self.assertEqual(result.returncode, 2)
        result = self.cli("lots", url="http://127.0.0.1:1")
        self.assertEqual(result.returncode, 3)

    def test_updates(self):
        result = self.cli("in", "gov-city-hall", "3", token_file=self.token_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "gov-city-hall: 3 occupied, 147 free of 150\n")
        self.assertEqual(self.cli("out", "gov-city-hall", token_file=self.token_path).returncode, 0)
        self.assertEqual(self.occupied(), 2)
        result = self.cli("set", "gov-city-hall", "140", token_file=self.token_path)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(self.occupied(), 140)
        result = self.cli("in", "gov-police", token_file=self.token_path)
        self.assertEqual(result.returncode, 4)
        self.assertIn("this token may not update lot 'gov-police'", result.stderr)
        result = self.cli("set", "gov-city-hall", "151", token_file=self.token_path)
        self.assertEqual(result.returncode, 4)
        self.assertEqual(self.cli("in", "gov-city-hall", "0").returncode, 2)
        self.assertFalse(os.path.exists(self.queue) and open(self.queue).read().strip())

    def test_offline_queue_counts_exactly_once(self):
        before = self.occupied() or 0
        self.assertEqual(self.d.stop(), 0)
        result = self.cli("in", "gov-city-hall", "2", token_file=self.token_path)
        self.assertEqual(result.returncode, 5, result.stderr)
        self.assertIn("queued", result.stderr)
        queued = open(self.queue).read().splitlines()
        self.assertEqual(len(queued), 1)
        self.assertEqual(json.loads(queued[0])["delta"], 2)
        # A second update while still offline queues behind the first, in order.
        self.assertEqual(self.cli("out", "gov-city-hall", token_file=self.token_path).returncode, 5)
        self.assertEqual(len(open(self.queue).read().splitlines()), 2)
        again = self.daemon(workdir=self.d.workdir).start()
        self.d = again
        # A sync that dies after the server applied but before the queue was rewritten:
        # the same keys are sent again and count once.
        saved = self.queue + ".saved"
        shutil.copy(self.queue, saved)
        result = self.cli("sync", token_file=self.token_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "sent 2 queued update(s)\n")
        self.assertEqual(self.occupied(), before + 1)
        shutil.copy(saved, self.queue)
        self.assertEqual(self.cli("sync", token_file=self.token_path).returncode, 0)
        self.assertEqual(self.occupied(), before + 1)
        self.assertEqual(open(self.queue).read(), "")

    def test_corrupt_queue_line_is_kept_aside(self):
        os.makedirs(os.path.dirname(self.queue), exist_ok=True)
        with open(self.queue, "w") as queue:
            queue.write("{not json\n")
            queue.write('{"id":"gov-city-hall","delta":4,"idempotency_key":"k-corrupt-1"}\n')
        result = self.cli("sync", token_file=self.token_path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("1 unreadable line(s)", result.stderr)
        self.assertEqual(open(self.queue + ".corrupt").read(), "{not json\n")
        self.assertEqual(self.occupied(), 4)

    def test_import_lots_reports_each_feature(self):
        admin = os.path.join(self.d.data_dir, "admin.token")
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "node/123",
             "geometry": {"type": "Point", "coordinates": [106.47, 26.57]},
             "properties": {"amenity": "parking", "name": "Osm Lot", "capacity": "80",
                            "opening_hours": "Mo-Fr 08:00-20:00", "operator": "City",
                            "fee": "yes"}},
            {"type": "Feature", "id": "node/124",
             "geometry": {"type": "Point", "coordinates": [106.47, 26.57]},
             "properties": {"name": "No Capacity", "capacity": "lots"}},
            {"type": "Feature", "id": "way/9",
             "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
             "properties": {"name": "Area", "capacity": 5}},
            {"type": "Feature", "id": "node/125",
             "geometry": {"type": "Point", "coordinates": [106.47, 26.57]},
             "properties": {"name": "Sunny", "capacity": 5, "opening_hours": "sunrise-sunset"}},
        ]}
        path = os.path.join(self.d.workdir, "lots.geojson")
        with open(path, "w") as out:
            json.dump(collection, out)
        result = self.cli("import", "lots", path, token_file=admin)
        self.assertEqual(result.returncode, 4, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "feature 0 (node-123): created")
        self.assertTrue(lines[1].startswith("feature 1 (node-124): refused: 422 capacity:"))
        self.assertEqual(lines[2], "feature 2: refused: geometry must be a Point")
        self.assertIn("unsupported opening_hours construct 'sunrise'", lines[3])
        self.assertEqual(lines[4], "1 created, 0 updated, 3 refused")
        lot = self.d.as_admin("GET", "/v1/lots/node-123").json()
        self.assertEqual((lot["capacity"], lot["fee"], lot["opening_hours"], lot["kind"]),
                         (80, "paid", "Mo-Fr 08:00-20:00", "public"))
        again = self.cli("import", "lots", path, token_file=admin)
        self.assertEqual(again.stdout.splitlines()[0], "feature 0 (node-123): updated")

    def test_import_calendar_tokens_and_audit(self):
        admin = os.path.join(self.d.data_dir, "admin.token")
        years = [os.path.join(SOURCE_ROOT, "tests", "data", "holiday-cn", f"{year}.json")
                 for year in (2025, 2026)]
        result = self.cli("import", "calendar", "imported", *years, token_file=admin)
        self.assertEqual(result.returncode, 0, result.stderr)
        wait_for(lambda: self.d.get("/v1/calendars/imported?year=2026").status == 200)
        created = self.cli("token", "create", "--role", "attendant", "--lots", "gov-police",
                           "--name", "night shift", token_file=admin)
        self.assertEqual(created.returncode, 0, created.stderr)
        token = created.stdout.strip()
        self.assertRegex(token, r"^ps_[A-Za-z0-9_-]{43}$")
        self.assertIn("shown only this once", created.stderr)
        listed = self.cli("--json", "token", "list", token_file=admin)
        names = [entry["name"] for entry in json.loads(listed.stdout)["tokens"]]
        self.assertIn("night shift", names)
        token_file = os.path.join(self.d.workdir, "night.token")
        with open(token_file, "w") as out:
            out.write(token + "\n")
        self.assertEqual(self.cli("in", "gov-police", token_file=token_file).returncode, 0)
        audit = self.cli("audit", "--lot", "gov-police", token_file=admin)
        self.assertEqual(audit.returncode, 0, audit.stderr)
        self.assertIn("gov-police", audit.stdout)
        self.assertIn(" delta ", audit.stdout)
        token_id = [entry["id"] for entry in json.loads(listed.stdout)["tokens"]
                    if entry["name"] == "night shift"][0]
        self.assertEqual(self.cli("token", "revoke", token_id, token_file=admin).returncode, 0)
        self.assertEqual(self.cli("in", "gov-police", token_file=token_file).returncode, 4)
        self.assertEqual(self.cli("audit", token_file=token_file).returncode, 4)

    def test_board_once(self):
        admin = os.path.join(self.d.data_dir, "admin.token")
        for lot_id, group, hours, occupied in (("b-num", "b-number", None, 5),
                                               ("b-full", "b-full", None, 120),
                                               ("b-shut", "b-closed", {"workday": "off",
                                                                       "weekend": "off"}, 1)):
            self.d.put_lot(lot_id, sample_lot(groups=[group], hours=hours, capacity=120))
            self.d.post_occupancy(lot_id, {"occupied": occupied})
        wait_for(lambda: self.d.get("/v1/totals.txt?group=b-full").body == b"FULL\n")
        wait_for(lambda: self.d.get("/v1/totals.txt?group=b-number").body == b"115\n")
        cases = {
            # group: (first row of the big letters, last row)
            "b-number": ("  #     #   #####", " ###   ###   ### "),
            "b-full": ("##### #   # #     #    ", "#      ###  ##### #####"),
            "b-closed": (" ###  #      ###   #### ##### #### ",
                         " ###  #####  ###  ####  ##### #### "),
        }
        for group, (first, last) in cases.items():
            with self.subTest(group=group):
                result = self.cli("board", "--group", group, "--once", token_file=admin)
                self.assertEqual(result.returncode, 0, result.stderr)
                rows = result.stdout.split("\n")
                self.assertEqual(rows[0], first)
                self.assertEqual(rows[6], last)
                self.assertEqual(rows[7], group)
        self.assertEqual(self.cli("board", "--city", "a", "--group", "b").returncode, 2)

if __name__ == "__main__":
    main()
