#!/usr/bin/env python3
"""The demo city looks alive on first start: its three areas have names, and each lot has a
plausible count recorded through the attendants' write path, marked as demo in the audit."""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_LOT_COUNT, DaemonTestCase, main, wait_for  # noqa: E402


def plausible(lot_id, capacity):
    """The same pick as the daemon's: FNV-1a of the id chooses 35..95 % of capacity."""
    value = 2166136261
    for byte in lot_id.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return capacity * (35 + value % 61) // 100


class DemoLifeTest(DaemonTestCase):
    load_demo = True

    def test_each_lot_has_a_plausible_recent_count(self):
        lots = wait_for(lambda: (lambda lots: all(l["updated_at"] for l in lots) and lots)(
            self.shared.get("/v1/lots?limit=500").json()["lots"]), what="the demo counts")
        self.assertEqual(len(lots), DEMO_LOT_COUNT)
        for lot in lots:
            with self.subTest(lot=lot["id"]):
                self.assertEqual(lot["occupied"], plausible(lot["id"], lot["capacity"]))
                self.assertGreaterEqual(lot["occupied"], lot["capacity"] * 35 // 100)

    def test_the_audit_marks_the_counts_and_names_as_demo(self):
        wait_for(lambda: all(l["updated_at"] for l in
                             self.shared.get("/v1/lots?limit=500").json()["lots"]),
                 what="the demo counts")
        entries = self.shared.as_admin("GET", "/v1/audit?limit=500").json()["entries"]
        counts = [e for e in entries if e.get("kind") not in ("create", "replace", "closure")
                  and "lot" in e and "group" not in e]
        self.assertEqual(len(counts), DEMO_LOT_COUNT)
        self.assertEqual({e["client"] for e in counts}, {"demo"})
        groups = {e["group"]: e for e in entries if "group" in e}
        self.assertEqual(sorted(groups), ["admin-centre", "business-district", "tourist-quarter"])
        self.assertEqual({e["client"] for e in groups.values()}, {"demo"})

    def test_an_agency_lot_has_a_closure_announced_for_next_saturday(self):
        lot = wait_for(lambda: (lambda lot: lot["upcoming_closures"] and lot)(
            self.shared.get("/v1/lots/gov-culture-tourism").json()), what="the demo closure")
        closure = lot["upcoming_closures"][0]
        start = datetime.datetime.fromisoformat(closure["from"])
        end = datetime.datetime.fromisoformat(closure["to"])
        today = datetime.datetime.now(start.tzinfo).date()
        self.assertEqual(start.isoweekday(), 6)
        self.assertTrue(1 <= (start.date() - today).days <= 7, (start, today))
        self.assertEqual((start.hour, start.minute), (7, 0))
        self.assertEqual(end - start, datetime.timedelta(hours=15))
        self.assertEqual(closure["reason"], "红枫湖文化旅游节活动保障，停车场暂停开放")
        self.assertFalse(closure["open_ended"])
        listed = self.shared.get("/v1/lots/gov-culture-tourism/closures").json()["closures"]
        self.assertEqual([c["id"] for c in listed], [closure["id"]])
        entries = self.shared.as_admin("GET", "/v1/audit?lot=gov-culture-tourism").json()
        announced = [e for e in entries["entries"] if e["kind"] == "closure"]
        self.assertEqual([e["client"] for e in announced], ["demo"])

    def test_the_three_areas_have_names(self):
        document = self.shared.get("/v1/groups").json()
        names = {g["id"]: (g["name"], g["names"].get("en")) for g in document["groups"]}
        self.assertEqual(names, {"admin-centre": ("行政中心", "Civic Centre"),
                                 "business-district": ("商业区", "Business District"),
                                 "tourist-quarter": ("旅游区", "Tourist Quarter")})
        self.assertEqual(sum(len(g["lots"]) for g in document["groups"]), DEMO_LOT_COUNT)


if __name__ == "__main__":
    main()
