#!/usr/bin/env python3
"""Strict everywhere: malformed token scopes, calendars in zones that do not exist or are not
the deployment's, cursors the daemon never gave, and field names cut on a character boundary;
each refused with a specific problem, and nothing stored."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, main, sample_lot  # noqa: E402

EMPTY_CALENDAR_DAYS = [{"date": "2026-10-01", "kind": "holiday", "name": "National Day"}]


class StrictnessTest(DaemonTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for index in range(3):
            body = sample_lot(city="strictcity", hours=None, calendar=None)
            assert cls.shared.put_lot(f"strict-{index}", body).status == 201

    def token_names(self):
        response = self.shared.as_admin("GET", "/v1/tokens")
        self.assertEqual(response.status, 200)
        return sorted(token["name"] for token in response.json()["tokens"])

    def test_token_lots_of_the_wrong_type_are_422(self):
        before = self.token_names()
        cases = (
            ({"role": "admin", "name": "ops", "lots": None},
             "must be an array of lot ids; an admin token takes none, so leave it out"),
            ({"role": "admin", "name": "ops", "lots": "x"},
             "must be an array of lot ids; an admin token takes none, so leave it out"),
            ({"role": "admin", "name": "ops", "lots": {}},
             "must be an array of lot ids; an admin token takes none, so leave it out"),
            ({"role": "attendant", "name": "gate", "lots": None},
             "must be an array of 1 to 1000 lot ids"),
            ({"role": "attendant", "name": "gate", "lots": "strict-0"},
             "must be an array of 1 to 1000 lot ids"),
        )
        for body, rule in cases:
            with self.subTest(body=body):
                response = self.shared.as_admin("POST", "/v1/tokens", body)
                document = self.assertProblem(response, 422, "validation")
                self.assertEqual(document["errors"], [{"field": "lots", "rule": rule}])
        self.assertEqual(self.token_names(), before)
        # The forms that are meant still work: no lots, or an empty list, for an admin.
        for body in ({"role": "admin", "name": "ops-a"},
                     {"role": "admin", "name": "ops-b", "lots": []}):
            response = self.shared.as_admin("POST", "/v1/tokens", body)
            self.assertEqual(response.status, 201, response.body)
            self.assertEqual(response.json()["lots"], [])

    def test_calendar_in_a_zone_the_tz_database_lacks_is_422_and_not_stored(self):
        response = self.shared.as_admin("PUT", "/v1/calendars/mars", {
            "timezone": "Mars/Olympus", "days": EMPTY_CALENDAR_DAYS})
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"], [{
            "field": "timezone",
            "rule": "names no zone of the tz database; give Asia/Shanghai, the deployment's zone"}])
        self.assertProblem(self.shared.get("/v1/calendars/mars"), 404, "not-found")
        self.assertEqual(self.shared.redis_cli("EXISTS", "ps:calendar:mars"), "0")
        # A directory of the database is not a zone either.
        response = self.shared.as_admin("PUT", "/v1/calendars/mars", {
            "timezone": "America", "days": []})
        self.assertProblem(response, 422, "validation")

    def test_calendar_zone_is_the_deployment_zone_or_refused(self):
        """Days are judged in the deployment's zone: a calendar cannot claim another one."""
        response = self.shared.as_admin("PUT", "/v1/calendars/zoned", {
            "timezone": "Asia/Shanghai", "days": EMPTY_CALENDAR_DAYS})
        self.assertEqual(response.status, 201, response.body)
        response = self.shared.as_admin("PUT", "/v1/calendars/zoned", {
            "timezone": "Europe/Paris", "days": []})
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"], [{
            "field": "timezone",
            "rule": "must be Asia/Shanghai: every day is judged in the deployment's zone"}])
        stored = self.shared.get("/v1/calendars/zoned").json()
        self.assertEqual(stored, {"timezone": "Asia/Shanghai", "days": [
            {"date": "2026-10-01", "kind": "holiday", "name": "National Day"}], "id": "zoned"})

    def test_cursor_the_list_never_gave_is_400(self):
        first = self.shared.get("/v1/lots?city=strictcity&limit=1").json()
        self.assertEqual([lot["id"] for lot in first["lots"]], ["strict-0"])
        second = self.shared.get(f"/v1/lots?city=strictcity&limit=1&cursor={first['next_cursor']}")
        self.assertEqual([lot["id"] for lot in second.json()["lots"]], ["strict-1"])
        rule = "is not a next_cursor of this list; start again from the first page"
        for path in ("/v1/lots?cursor=not-a-cursor", "/v1/lots.geojson?cursor=not-a-cursor",
                     "/v1/lots?city=strictcity&cursor=strict-0",
                     "/v1/lots?near=26.57,106.47&cursor=" + first["next_cursor"]):
            with self.subTest(path=path):
                document = self.assertProblem(self.shared.get(path), 400, "bad-request")
                self.assertEqual(document["errors"], [{"field": "cursor", "rule": rule}])
                self.assertEqual(document["detail"], f"cursor: {rule}")
        response = self.shared.as_admin("GET", "/v1/audit?cursor=not-a-cursor")
        document = self.assertProblem(response, 400, "bad-request")
        self.assertEqual(document["errors"][0]["field"], "cursor")

    def test_long_field_names_are_cut_on_a_character_boundary(self):
        name = "停" * 40  # 120 bytes of 3-byte characters
        body = sample_lot(city="strictcity")
        body[name] = 1
        response = self.shared.put_lot("strict-cut", body)
        document = self.assertProblem(response, 422, "validation")
        field = document["errors"][0]["field"]
        self.assertEqual(field, "停" * 26)  # 78 of the 79 bytes that fit: no half character
        self.assertTrue(document["detail"].startswith(field))
        self.assertProblem(self.shared.get("/v1/lots/strict-cut"), 404, "not-found")


if __name__ == "__main__":
    main()
