#!/usr/bin/env python3
"""The lot registry: create, replace, delete, list with filters and cursors, validation,
and that no rejected request changes what is stored."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, main, sample_lot, wait_for  # noqa: E402


class LotsTest(DaemonTestCase):
    def stored(self, lot_id):
        return self.shared.redis_cli("HGETALL", f"ps:lot:{lot_id}")

    def test_create_replace_delete(self):
        response = self.shared.put_lot("crd-1", sample_lot(capacity=40))
        self.assertEqual(response.status, 201, response.body)
        lot = response.json()
        self.assertEqual(lot["id"], "crd-1")
        self.assertEqual(lot["capacity"], 40)
        self.assertEqual(lot["version"], 1)
        self.assertIsNone(lot["occupied"])
        self.assertIsNone(lot["free"])
        self.assertIsNone(lot["updated_at"])
        got = self.shared.get("/v1/lots/crd-1")
        self.assertEqual(got.status, 200)
        self.assertEqual(got.header("Access-Control-Allow-Origin"), "*")
        self.assertEqual(got.json()["name"], "Civic Centre East")
        etag = got.header("ETag")
        self.assertEqual(self.shared.get("/v1/lots/crd-1", {"If-None-Match": etag}).status, 304)

        response = self.shared.put_lot("crd-1", sample_lot(capacity=30, name="Renamed"))
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["version"], 2)
        wait_for(lambda: self.shared.get("/v1/lots/crd-1").json()["name"] == "Renamed",
                 what="the snapshot to see the replacement")
        self.assertEqual(self.shared.get("/v1/lots/crd-1", {"If-None-Match": etag}).status, 200)

        response = self.shared.as_admin("DELETE", "/v1/lots/crd-1")
        self.assertEqual(response.status, 204)
        wait_for(lambda: self.shared.get("/v1/lots/crd-1").status == 404,
                 what="the snapshot to drop the lot")
        self.assertProblem(self.shared.get("/v1/lots/crd-1"), 404, "not-found", "no lot 'crd-1'")
        self.assertProblem(self.shared.as_admin("DELETE", "/v1/lots/crd-1"), 404, "not-found")
        self.assertEqual(self.stored("crd-1"), "")

    def test_a_client_reads_its_own_writes_at_once(self):
        """The daemon that took a write shows it on the very next read, without waiting for
        Redis' change message: a lot created, its count, its replacement, its deletion."""
        daemon = self.shared
        for round_number in range(60):
            lot_id = f"ryw-{round_number}"
            created = daemon.put_lot(lot_id, sample_lot(capacity=50))
            self.assertEqual(created.status, 201, created.body)
            got = daemon.get(f"/v1/lots/{lot_id}")
            self.assertEqual((got.status, got.json()["version"]), (200, 1))
            self.assertEqual(daemon.post_occupancy(lot_id, {"occupied": 7}).status, 200)
            got = daemon.get(f"/v1/lots/{lot_id}").json()
            self.assertEqual((got["occupied"], got["free"], got["version"]), (7, 43, 2))
            replaced = daemon.put_lot(lot_id, sample_lot(capacity=5))
            self.assertEqual(replaced.status, 200, replaced.body)
            got = daemon.get(f"/v1/lots/{lot_id}").json()
            self.assertEqual((got["capacity"], got["occupied"], got["version"]), (5, 5, 3))
            self.assertEqual(daemon.as_admin("DELETE", f"/v1/lots/{lot_id}").status, 204)
            self.assertEqual(daemon.get(f"/v1/lots/{lot_id}").status, 404)

    def test_capacity_shrink_clamps_occupied_and_audits_it(self):
        self.shared.put_lot("shrink", sample_lot(capacity=50))
        self.shared.post_occupancy("shrink", {"occupied": 45})
        response = self.shared.put_lot("shrink", sample_lot(capacity=40))
        self.assertEqual(response.status, 200)
        self.assertEqual(response.json()["occupied"], 40)
        self.assertEqual(response.json()["free"], 0)
        audit = self.shared.as_admin("GET", "/v1/audit?lot=shrink").json()["entries"]
        last = audit[-1]
        self.assertEqual((last["kind"], last["old"], last["new"], last["clamped"],
                          last["old_capacity"], last["capacity"]),
                         ("replace", 45, 40, True, 50, 40))

    def test_field_validation_table(self):
        self.shared.put_lot("valid-1", sample_lot())
        before = self.stored("valid-1")
        cases = [
            (sample_lot(name=None), "name"),
            (sample_lot(name=""), "name"),
            (sample_lot(name="x" * 201), "name"),
            (sample_lot(kind="private"), "kind"),
            (sample_lot(location=None), "location"),
            (sample_lot(location={"lat": 91, "lon": 0}), "location.lat"),
            (sample_lot(location={"lat": 0, "lon": 181}), "location.lon"),
            (sample_lot(location={"lat": "1", "lon": 0}), "location.lat"),
            (sample_lot(capacity=0), "capacity"),
            (sample_lot(capacity=100001), "capacity"),
            (sample_lot(capacity=12.5), "capacity"),
            (sample_lot(capacity="12"), "capacity"),
            (sample_lot(capacity=None), "capacity"),
            (sample_lot(groups=["Admin Centre"]), "groups[0]"),
            (sample_lot(groups="admin-centre"), "groups"),
            (sample_lot(fee="cheap"), "fee"),
            (sample_lot(city="Qing Zhen"), "city"),
            (sample_lot(hours={"someday": "24h"}), "hours.someday"),
            (sample_lot(capcity=10), "capcity"),
            (sample_lot(occupied=3), "occupied"),
            (sample_lot(id="other-id"), "id"),
        ]
        for body, field in cases:
            with self.subTest(field=field, body=body):
                response = self.shared.put_lot("valid-1", body)
                document = self.assertProblem(response, 422, "validation")
                fields = [error["field"] for error in document["errors"]]
                self.assertIn(field, fields)
                self.assertTrue(all(error["rule"] for error in document["errors"]))
        self.assertEqual(self.stored("valid-1"), before)

    def test_status_codes_and_nothing_stored(self):
        response = self.shared.request("PUT", "/v1/lots/auth-1", sample_lot())
        self.assertProblem(response, 401, "unauthorized")
        response = self.shared.put_lot("auth-1", b"{}",
                                       {"Content-Type": "application/xml"})
        self.assertProblem(response, 415, "unsupported-media-type")
        response = self.shared.put_lot("auth-1", b"{\"name\": }",
                                       {"Content-Type": "application/json"})
        self.assertProblem(response, 400, "bad-request")
        response = self.shared.put_lot("Not_Valid", sample_lot())
        self.assertProblem(response, 422, "validation")
        response = self.shared.put_lot("auth-1", b"x" * (2 * 1024 * 1024),
                                       {"Content-Type": "application/json"})
        self.assertProblem(response, 413, "payload-too-large")
        response = self.shared.request("PATCH", "/v1/lots/auth-1")
        self.assertEqual(response.status, 405)
        self.assertEqual(self.stored("auth-1"), "")

    def test_list_filters_sort_and_cursor(self):
        for index in range(7):
            kind = "reclaimed" if index % 2 else "government"
            group = "tourist-quarter" if index < 3 else "business-district"
            body = sample_lot(kind=kind, groups=[group], city="listcity", capacity=10 + index)
            self.assertIn(self.shared.put_lot(f"list-{index}", body).status,
                          (200, 201))
        wait_for(lambda: len(self.shared.get("/v1/lots?city=listcity").json()["lots"]) == 7,
                 what="all seven lots listed")
        lots = self.shared.get("/v1/lots?city=listcity").json()
        self.assertEqual([lot["id"] for lot in lots["lots"]], [f"list-{i}" for i in range(7)])
        self.assertIsNone(lots["next_cursor"])
        kinds = self.shared.get("/v1/lots?city=listcity&kind=reclaimed").json()["lots"]
        self.assertEqual([lot["id"] for lot in kinds], ["list-1", "list-3", "list-5"])
        group = self.shared.get("/v1/lots?city=listcity&group=tourist-quarter").json()["lots"]
        self.assertEqual([lot["id"] for lot in group], ["list-0", "list-1", "list-2"])
        seen, cursor = [], None
        while True:
            query = "/v1/lots?city=listcity&limit=3" + (f"&cursor={cursor}" if cursor else "")
            page = self.shared.get(query).json()
            seen += [lot["id"] for lot in page["lots"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual(seen, [f"list-{i}" for i in range(7)])
        self.assertProblem(self.shared.get("/v1/lots?limit=0"), 422, "validation")
        self.assertProblem(self.shared.get("/v1/lots?limit=501"), 422, "validation")
        self.assertProblem(self.shared.get("/v1/lots?kind=castle"), 422, "validation")
        self.assertProblem(self.shared.get("/v1/lots?colour=red"), 422, "validation")


if __name__ == "__main__":
    main()
