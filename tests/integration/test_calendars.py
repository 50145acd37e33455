#!/usr/bin/env python3
"""Holiday calendars over HTTP: the shipped cn calendar, year-file imports, validation, and an
update that reaches every lot on every daemon sharing the Redis."""

import datetime
import json
import os
import sys
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_ROOT, ClusterTestCase, main, sample_lot, wait_for  # noqa: E402

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class CalendarsTest(ClusterTestCase):
    def test_shipped_cn_calendar_is_served(self):
        response = self.first.get("/v1/calendars/cn?year=2026")
        self.assertEqual(response.status, 200, response.body)
        calendar = response.json()
        source = json.load(open(os.path.join(SOURCE_ROOT, "tests", "data", "holiday-cn",
                                             "2026.json")))
        self.assertEqual(calendar["id"], "cn")
        self.assertEqual(calendar["timezone"], "Asia/Shanghai")
        self.assertEqual(len(calendar["days"]), len(source["days"]))
        self.assertEqual(calendar["days"][0], {"date": "2026-01-01", "kind": "holiday",
                                               "name": "元旦"})
        self.assertEqual(calendar["days"][4], {"date": "2026-02-14", "kind": "workday",
                                               "name": "春节补班"})
        everything = self.first.get("/v1/calendars/cn").json()
        self.assertEqual(everything["days"][0]["date"], "2006-12-30")
        self.assertProblem(self.first.get("/v1/calendars/none"), 404, "not-found")
        self.assertProblem(self.first.get("/v1/calendars/cn?year=12"), 422, "validation")

    def test_year_file_import_and_validation(self):
        year = json.load(open(os.path.join(SOURCE_ROOT, "tests", "data", "holiday-cn",
                                           "2025.json")))
        response = self.first.as_admin("PUT", "/v1/calendars/imported", year)
        self.assertEqual(response.status, 201, response.body)
        self.assertEqual(len(response.json()["days"]), len(year["days"]))
        wait_for(lambda: self.second.get("/v1/calendars/imported?year=2025").status == 200,
                 what="the calendar on the second daemon")
        # Importing the same year again replaces it, other years stay.
        year2026 = json.load(open(os.path.join(SOURCE_ROOT, "tests", "data", "holiday-cn",
                                               "2026.json")))
        self.assertEqual(self.first.as_admin("PUT", "/v1/calendars/imported", year2026).status,
                         200)
        year["days"] = year["days"][:3]
        self.assertEqual(self.first.as_admin("PUT", "/v1/calendars/imported", year).status, 200)
        stored = json.loads(self.redis_server.cli("GET", "ps:calendar:imported"))
        self.assertEqual(len(stored["days"]), 3 + len(year2026["days"]))
        before = self.redis_server.cli("GET", "ps:calendar:imported")
        bad_cases = [
            ({"timezone": "Asia/Shanghai", "days": [{"date": "2026-02-30", "kind": "holiday"}]},
             "days[0].date"),
            ({"timezone": "Asia/Shanghai", "days": [{"date": "2026-02-03", "kind": "party"}]},
             "days[0].kind"),
            ({"timezone": "Asia/Shanghai", "days": [{"date": "2026-02-03", "kind": "holiday",
                                                     "when": 1}]}, "days[0].when"),
            ({"timezone": "../etc", "days": []}, "timezone"),
            ({"year": 2026, "days": [{"name": "x", "date": "2027-01-01", "isOffDay": True}]},
             "days[0].date"),
            ({"year": 2026, "days": [{"name": "x", "date": "2026-01-01", "isOffDay": "yes"}]},
             "days[0].isOffDay"),
        ]
        for body, field in bad_cases:
            with self.subTest(field=field):
                document = self.assertProblem(
                    self.first.as_admin("PUT", "/v1/calendars/imported", body), 422, "validation")
                self.assertEqual(document["errors"][0]["field"], field)
        self.assertEqual(self.redis_server.cli("GET", "ps:calendar:imported"), before)
        self.assertProblem(self.first.request("PUT", "/v1/calendars/imported", year), 401,
                           "unauthorized")

    def test_delete_is_refused_while_lots_use_the_calendar(self):
        self.assertEqual(self.first.as_admin("PUT", "/v1/calendars/busy",
                                             {"timezone": "Asia/Shanghai", "days": []}).status,
                         201)
        self.first.put_lot("busy-lot", sample_lot(hours={"holiday": "24h"}, calendar="busy"))
        wait_for(lambda: self.first.get("/v1/lots/busy-lot").status == 200)
        response = self.first.as_admin("DELETE", "/v1/calendars/busy")
        self.assertProblem(response, 409, "conflict",
                           "calendar 'busy' is used by 1 lot(s), e.g. 'busy-lot'; change them first")
        self.assertNotEqual(self.redis_server.cli("GET", "ps:calendar:busy"), "")
        self.first.put_lot("busy-lot", sample_lot(hours={"holiday": "24h"}, calendar=None))
        wait_for(lambda: "calendar" not in self.first.get("/v1/lots/busy-lot").json())
        self.assertProblem(self.first.request("DELETE", "/v1/calendars/busy"), 401,
                           "unauthorized")
        self.assertEqual(self.first.as_admin("DELETE", "/v1/calendars/busy").status, 204)
        for daemon in (self.first, self.second):
            wait_for(lambda: daemon.get("/v1/calendars/busy").status == 404,
                     what="the calendar gone on every daemon")
        self.assertProblem(self.first.as_admin("DELETE", "/v1/calendars/busy"), 404, "not-found")

    def test_update_reaches_every_lot_on_every_daemon(self):
        today = datetime.datetime.now(SHANGHAI).date()
        self.assertEqual(self.first.as_admin("PUT", "/v1/calendars/local",
                                             {"timezone": "Asia/Shanghai", "days": []}).status,
                         201)
        self.first.put_lot("holiday-only", sample_lot(hours={"holiday": "24h"}, calendar="local"))
        for daemon in (self.first, self.second):
            wait_for(lambda: daemon.get("/v1/lots/holiday-only").status == 200)
            self.assertEqual(daemon.get("/v1/lots/holiday-only").json()["state"], "closed")
        response = self.first.as_admin("PUT", "/v1/calendars/local", {
            "timezone": "Asia/Shanghai",
            "days": [{"date": today.isoformat(), "kind": "holiday", "name": "城市节"}]})
        self.assertEqual(response.status, 200, response.body)
        for daemon in (self.first, self.second):
            lot = wait_for(lambda: (lambda body: body["open_now"] and body)(
                daemon.get("/v1/lots/holiday-only").json()), what="the lot to open")
            self.assertEqual(lot["state"], "unknown")
            day = daemon.get(f"/v1/lots/holiday-only/schedule?from={today}&days=1").json()
            self.assertEqual((day["days"][0]["day_type"], day["days"][0]["holiday_name"]),
                             ("holiday", "城市节"))


if __name__ == "__main__":
    main()
