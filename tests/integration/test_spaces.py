#!/usr/bin/env python3
"""Space types: the per-lot plan, type counts through the attendant's write on two instances,
clamping, idempotency, scope, bad input that stores nothing, lists, totals and the stream."""

import json
import os
import subprocess
import sys
import threading
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOURCE_ROOT, ClusterTestCase, Daemon, EventStream,  # noqa: E402
                     audit_entries, main, sample_lot, wait_for)

BROWSER_DIR = os.path.join(SOURCE_ROOT, "tests", "browser")

PLAN = {"disabled": {"capacity": 4}, "charging": {"capacity": 6},
        "reserved": {"capacity": 40, "note": "service hall visitors"}}
VOCABULARY = ("disabled, charging, family, women, carsharing, bus, truck, motorcycle or "
              "reserved")


def planned_lot(**changes):
    fields = {"capacity": 120, "spaces": PLAN, "vehicles": {"max_seats": 7, "commercial": False},
              "entry": "registration", "hours": None, "calendar": None}
    fields.update(changes)
    return sample_lot(**fields)


class SpacesTest(ClusterTestCase):
    def setUp(self):
        # Each test has lots of its own: the daemons keep what earlier tests counted.
        suffix = uuid.uuid4().hex[:8]
        self.hall, self.plain = f"hall-{suffix}", f"plain-{suffix}"
        self.group = f"g-{suffix}"
        for lot_id, body in ((self.hall, planned_lot(groups=[self.group])),
                             (self.plain, sample_lot(hours=None, calendar=None,
                                                     groups=[self.group]))):
            response = self.first.put_lot(lot_id, body)
            self.assertEqual(response.status, 201, response.body)
        self.wait_on_every_daemon(lambda daemon: daemon.get(f"/v1/lots/{self.hall}").status == 200,
                                  "the lot on both instances")

    def update(self, body, key=None, daemon=None, token=None, lot_id=None):
        headers = {"Idempotency-Key": key} if key else {}
        daemon = daemon or self.first
        lot_id = lot_id or self.hall
        path = f"/v1/lots/{lot_id}/occupancy"
        if token is None:
            return daemon.as_admin("POST", path, body, headers)
        return daemon.with_token(token, "POST", path, body, headers)

    def stored(self, lot_id=None):
        lot_id = lot_id or self.hall
        fields = self.redis_server.cli("HGETALL", f"ps:lot:{lot_id}").split("\n")
        return dict(zip(fields[::2], fields[1::2]))

    def audit(self, lot_id=None):
        return audit_entries(self.redis_server.cli, lot_id or self.hall)

    def test_plan_vehicles_and_entry_in_the_answer(self):
        answer = self.first.get(f"/v1/lots/{self.hall}").json()
        self.assertEqual(answer["spaces"], {
            "disabled": {"capacity": 4, "occupied": None, "free": None, "updated_at": None},
            "charging": {"capacity": 6, "occupied": None, "free": None, "updated_at": None},
            "reserved": {"capacity": 40, "note": "service hall visitors", "occupied": None,
                         "free": None, "updated_at": None}})
        self.assertEqual(answer["vehicles"], {"max_seats": 7, "commercial": False})
        self.assertEqual(answer["entry"], "registration")
        self.assertNotIn("spaces", self.first.get(f"/v1/lots/{self.plain}").json())

    def test_type_count_is_stored_answered_audited_and_seen_on_the_other_instance(self):
        version = int(self.stored()["version"])
        self.update({"occupied": 30})
        response = self.update({"delta": 2, "space": "charging"}, daemon=self.second)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json(), {"id": self.hall, "space": "charging", "occupied": 2,
                                           "free": 4, "capacity": 6, "version": version + 2,
                                           "clamped": False})
        stored = self.stored()
        self.assertEqual((stored["space:charging"], stored["occupied"], stored["version"]),
                         ("2", "30", str(version + 2)))
        self.assertIn("space:charging:updated_at", stored)
        self.assertEqual(self.audit()[-1]["space"], "charging")
        self.assertEqual(self.audit()[-1]["new"], "2")

        def shows(daemon):
            lot = daemon.get(f"/v1/lots/{self.hall}").json()
            return (lot["spaces"]["charging"]["occupied"], lot["spaces"]["charging"]["free"],
                    lot["occupied"], lot["version"]) == (2, 4, 30, version + 2)
        self.wait_on_every_daemon(shows, "the type count on both instances")
        self.assertIsNotNone(self.first.get(f"/v1/lots/{self.hall}").json()
                             ["spaces"]["charging"]["updated_at"])

    def test_type_count_clamped_and_recount_refused_above_the_type_capacity(self):
        answer = self.update({"delta": 25, "space": "disabled"}).json()
        self.assertEqual((answer["occupied"], answer["free"], answer["clamped"]), (4, 0, True))
        answer = self.update({"delta": -9, "space": "disabled"}).json()
        self.assertEqual((answer["occupied"], answer["clamped"]), (0, True))
        # History folds the whole lot's count only: a type's writes leave none.
        self.assertEqual(self.redis_server.cli("KEYS", f"ps:hist:{self.hall}:*"), "")
        before, audit = self.stored(), len(self.audit())
        response = self.update({"occupied": 7, "space": "charging"})
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"], [{"field": "occupied",
                                               "rule": "must not exceed the charging capacity 6"}])
        self.assertEqual((self.stored(), len(self.audit())), (before, audit))

    def test_bad_type_counts_store_nothing(self):
        before, audit = self.stored(), len(self.audit())
        response = self.update({"delta": 1, "space": "electric"})
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"][0]["field"], "space")
        self.assertEqual(document["errors"][0]["rule"], "must be a space type: " + VOCABULARY)
        response = self.update({"delta": 1, "space": "bus"})
        document = self.assertProblem(response, 422, "validation",
                                      f"space: lot '{self.hall}' declares no bus spaces")
        self.assertEqual(document["errors"], [{"field": "space",
                                               "rule": f"lot '{self.hall}' declares no bus spaces"}])
        response = self.update({"delta": 1, "space": "charging"}, lot_id=self.plain)
        self.assertProblem(response, 422, "validation",
                           f"space: lot '{self.plain}' declares no charging spaces")
        self.assertEqual((self.stored(), len(self.audit())), (before, audit))

    def test_attendant_of_another_lot_may_not_count_a_type(self):
        response = self.first.create_attendant_token([self.plain])
        self.assertEqual(response.status, 201, response.body)
        token = response.json()["token"]
        before, audit = self.stored(), len(self.audit())
        response = self.update({"delta": 1, "space": "charging"}, token=token)
        self.assertProblem(response, 403, "forbidden",
                           f"this token may not update lot '{self.hall}'")
        self.assertEqual((self.stored(), len(self.audit())), (before, audit))
        response = self.first.create_attendant_token([self.hall])
        own = response.json()["token"]
        self.assertEqual(self.update({"delta": 1, "space": "charging"}, token=own).status, 200)

    def test_idempotency_names_the_space(self):
        key = str(uuid.uuid4())
        first = self.update({"delta": 1, "space": "charging"}, key=key)
        again = self.update({"delta": 1, "space": "charging"}, key=key, daemon=self.second)
        self.assertEqual(again.status, 200)
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(again.json(), first.json())
        # The same key and number for the lot's own count, or another type, is another update.
        for body in ({"delta": 1}, {"delta": 1, "space": "disabled"}):
            response = self.update(body, key=key)
            self.assertProblem(response, 422, "validation",
                               f"Idempotency-Key '{key}' was already used for a different update")
        stored = self.stored()
        self.assertEqual(stored["space:charging"], "1")
        self.assertNotIn("space:disabled", stored)
        self.assertNotIn("occupied", stored)

    def test_a_batch_counts_types_item_by_item(self):
        response = self.first.as_admin("POST", "/v1/occupancy", {"updates": [
            {"id": self.hall, "delta": 2, "space": "charging", "idempotency_key": "b-1"},
            {"id": self.hall, "delta": 1, "space": "bus"},
            {"id": self.hall, "delta": 1, "space": "ev"},
            {"id": self.hall, "occupied": 9}]})
        self.assertEqual(response.status, 200, response.body)
        results = response.json()["results"]
        self.assertEqual([r["status"] for r in results], [200, 422, 422, 200])
        self.assertEqual((results[0]["result"]["space"], results[0]["result"]["occupied"]),
                         ("charging", 2))
        self.assertEqual(results[1]["problem"]["errors"][0]["field"], "space")
        self.assertEqual(results[2]["problem"]["errors"][0]["field"], "space")
        stored = self.stored()
        self.assertEqual((stored["space:charging"], stored["occupied"]), ("2", "9"))

    def test_bad_plans_are_refused_and_store_nothing(self):
        before = self.stored()
        cases = [
            (planned_lot(spaces={"electric": {"capacity": 2}}), "spaces",
             f"unknown space type 'electric'; expected {VOCABULARY}"),
            (planned_lot(capacity=10, spaces={"charging": {"capacity": 11}}),
             "spaces.charging.capacity", "must be an integer from 1 to the lot's capacity 10"),
            (planned_lot(capacity=10, spaces={"charging": {"capacity": 6},
                                              "disabled": {"capacity": 5}}),
             "spaces", "the types' capacities sum to 11, above the lot's capacity 10"),
            (planned_lot(spaces={"reserved": {"capacity": 2}}), "spaces.reserved.note",
             "is required: the purpose the spaces are kept for"),
            (planned_lot(vehicles={"max_seats": 0}), "vehicles.max_seats",
             "must be an integer from 1 to 99"),
            (planned_lot(entry="open"), "entry",
             "must be \"free\" or \"registration\" (registration at the gate)"),
        ]
        for body, field, rule in cases:
            response = self.first.put_lot(self.hall, body)
            document = self.assertProblem(response, 422, "validation")
            self.assertIn({"field": field, "rule": rule}, document["errors"])
        response = self.first.put_lot("new-lot", cases[0][0])
        self.assertEqual(response.status, 422)
        self.assertEqual(self.stored(), before)
        self.assertEqual(self.redis_server.cli("EXISTS", "ps:lot:new-lot"), "0")

    def test_lowering_a_type_capacity_clamps_its_count_audited(self):
        self.update({"occupied": 5, "space": "charging"})
        self.update({"occupied": 3, "space": "disabled"})
        lowered = dict(PLAN, charging={"capacity": 2})
        response = self.first.put_lot(self.hall, planned_lot(spaces=lowered))
        self.assertEqual(response.status, 200, response.body)
        stored = self.stored()
        self.assertEqual((stored["space:charging"], stored["space:disabled"]), ("2", "3"))
        self.assertEqual(self.audit()[-1]["space_clamped"], "charging 5>2")

        def shows(daemon):
            charging = daemon.get(f"/v1/lots/{self.hall}").json()["spaces"]["charging"]
            return (charging["capacity"], charging["occupied"], charging["free"]) == (2, 2, 0)
        self.wait_on_every_daemon(shows, "the lowered type on both instances")

    def test_concurrent_type_and_lot_counts_from_two_instances_are_exact(self):
        # Room for every interleaving, so that no write is clamped and the sums are exact.
        wide = dict(PLAN, reserved={"capacity": 500, "note": "service hall visitors"})
        response = self.first.put_lot(self.hall, planned_lot(capacity=1000, spaces=wide))
        self.assertEqual(response.status, 200, response.body)
        version = int(self.stored()["version"])
        self.update({"occupied": 50}, daemon=self.first)
        failures = []
        lock = threading.Lock()

        def client(seed):
            daemon = self.first if seed % 2 else self.second
            for step in range(150):
                # +1, +1, -1 over and over: each client's sum never drops below zero.
                delta = -1 if step % 3 == 2 else 1
                body = {"delta": delta, "space": "reserved"} if seed < 4 else {"delta": delta}
                response = self.update(body, key=str(uuid.uuid4()), daemon=daemon)
                if response.status != 200 or response.json()["clamped"]:
                    with lock:
                        failures.append(response.body)

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])
        # 4 clients x 150 writes on each count, 50 net each: 200 reserved, 50 + 200 in all.
        stored = self.stored()
        self.assertEqual(stored["space:reserved"], "200")
        self.assertEqual(stored["occupied"], "250")
        self.assertEqual(stored["version"], str(version + 1 + 1200))
        reserved = [entry for entry in self.audit() if entry.get("space") == "reserved"]
        self.assertEqual(len(reserved), 600)
        count = 0
        for entry in reserved:
            self.assertEqual(int(entry["old"] or 0), count)
            count += int(entry["requested"])
        self.assertEqual(count, 200)

        def shows(daemon):
            lot = daemon.get(f"/v1/lots/{self.hall}").json()
            return (lot["spaces"]["reserved"]["occupied"], lot["occupied"],
                    lot["version"]) == (200, 250, version + 1201)
        self.wait_on_every_daemon(shows, "the exact counts on both instances")

    def test_a_starting_instance_loads_the_type_counts(self):
        self.update({"occupied": 3, "space": "disabled"})
        late = Daemon(settings={"redis": self.redis_server.url()})
        try:
            late.start()
            disabled = late.get(f"/v1/lots/{self.hall}").json()["spaces"]["disabled"]
            self.assertEqual((disabled["occupied"], disabled["free"]), (3, 1))
        finally:
            late.stop()
            late.cleanup()

    def test_lists_totals_and_stream_by_space(self):
        self.update({"occupied": 5, "space": "charging"})
        self.wait_on_every_daemon(
            lambda d: d.get(f"/v1/lots/{self.hall}").json()["spaces"]["charging"]["occupied"] == 5,
            "the count")
        ids = [lot["id"] for lot in
               self.second.get(f"/v1/lots?group={self.group}&space=charging&min_free=1").json()["lots"]]
        self.assertEqual(ids, [self.hall])
        self.assertEqual(self.second.get(f"/v1/lots?group={self.group}&space=charging&min_free=2").json()["lots"], [])
        ids = [lot["id"] for lot in self.second.get(f"/v1/lots?group={self.group}&space=disabled").json()["lots"]]
        self.assertEqual(ids, [self.hall])
        features = self.second.get(f"/v1/lots.geojson?group={self.group}&space=charging&min_free=1").json()
        self.assertEqual([f["properties"]["id"] for f in features["features"]], [self.hall])
        response = self.second.get("/v1/lots?space=ev")
        self.assertProblem(response, 422, "validation")
        totals = self.second.get(f"/v1/totals?group={self.group}&space=charging").json()
        self.assertEqual((totals["lots"], totals["capacity"], totals["free"],
                          totals["occupied"]), (1, 6, 1, 5))
        self.assertProblem(self.second.get("/v1/totals?space=ev"), 422, "validation")
        stream = EventStream(self.second, f"group={self.group}")
        try:
            self.assertEqual(stream.next_named("totals")["capacity"], 240)
            self.update({"delta": -2, "space": "charging"}, daemon=self.first)
            wait_for(lambda: stream.next_named("lot").get("spaces", {}).get("charging", {})
                     .get("free") == 3, what="a lot event with the type count")
            # The type's totals, kept for the request above, never reach the group's stream:
            # the next totals event is the whole lots' (capacity 240, not the type's 6).
            self.update({"delta": 1}, daemon=self.first)
            self.assertEqual(stream.next_named("totals")["capacity"], 240)
        finally:
            stream.close()


    def test_driver_page_and_board_show_the_types(self):
        self.assertEqual(self.update({"occupied": 2, "space": "charging"}).status, 200)
        driver = "无障碍 4个 · 充电 空4/6 · 预留 40个 · 限7座及以下 · 营运车辆不得入内 · 入口登记"
        board = "无障碍 — · 充电 4 · 预留 —"
        result = subprocess.run(["node", "space-pages.mjs", self.first.base_url, self.group,
                                 self.hall, driver, board],
                                capture_output=True, text=True, cwd=BROWSER_DIR, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"space types shown on the driver page and the board: {board}",
                      result.stdout)


if __name__ == "__main__":
    main()
