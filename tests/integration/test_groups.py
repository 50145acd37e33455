#!/usr/bin/env python3
"""Named areas: PUT /v1/groups/{id} (admin) stores a name and an optional English name, audited
and learnt by every daemon; 422 names every broken rule and stores nothing; GET /v1/groups lists
each group's lots and exact totals from memory, with an ETag; DELETE forgets the names."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ClusterTestCase, main, sample_lot, wait_for  # noqa: E402

CLOSED_HOURS = {"workday": "off", "weekend": "off"}


class GroupsTest(ClusterTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # (lot, name, groups, capacity, hours, occupied)
        for lot_id, name, groups, capacity, hours, occupied in [
            ("north-a", "北门停车场", ["north"], 40, None, 15),
            ("north-b", "北门二号", ["north", "shared"], 20, None, 20),
            ("north-c", "北门三号", ["north"], 10, None, None),
            ("north-shut", "北门夜间", ["north"], 30, CLOSED_HOURS, 3),
            ("south-a", "南站", ["south"], 50, None, None),
        ]:
            body = sample_lot(name=name, groups=groups, capacity=capacity, hours=hours,
                              city="groupcity",
                              names={"en": "North Gate"} if lot_id == "north-a" else None)
            assert cls.first.put_lot(lot_id, body).status == 201
            if occupied is not None:
                assert cls.first.post_occupancy(lot_id, {"occupied": occupied}).status == 200
        cls.wait_on_every_daemon(
            lambda daemon: daemon.get("/v1/totals?city=groupcity").json()["occupied"] == 35)

    def group(self, daemon, group_id):
        document = daemon.get("/v1/groups").json()
        return next((g for g in document["groups"] if g["id"] == group_id), None)

    def test_put_is_learnt_by_every_daemon_and_replaced(self):
        response = self.first.as_admin("PUT", "/v1/groups/north",
                                        {"name": "北区", "names": {"en": "North"}})
        self.assertEqual(response.status, 201, response.body)
        self.assertEqual(response.json(), {"name": "北区", "names": {"en": "North"}, "id": "north"})
        # The daemon that took the write shows it at once; the other learns it by message.
        self.assertEqual(self.group(self.first, "north")["name"], "北区")
        wait_for(lambda: (self.group(self.second, "north") or {}).get("name") == "北区",
                 what="the name on the other daemon")
        self.assertEqual(self.group(self.second, "north")["names"], {"en": "North"})
        response = self.second.as_admin("PUT", "/v1/groups/north", {"name": "北部片区"})
        self.assertEqual(response.status, 200, response.body)
        wait_for(lambda: self.group(self.first, "north")["name"] == "北部片区",
                 what="the replaced name")
        self.assertEqual(self.group(self.first, "north")["names"], {})
        stored = json.loads(self.redis_server.cli("GET", "ps:group:north"))
        self.assertEqual(stored, {"name": "北部片区", "names": {}})
        audit = self.first.as_admin("GET", "/v1/audit?limit=100").json()["entries"]
        kinds = [(e["kind"], e.get("new_names")) for e in audit if e.get("group") == "north"]
        self.assertIn(("group_create", '{"name":"北区","names":{"en":"North"}}'), kinds)
        self.assertIn(("group_replace", '{"name":"北部片区","names":{}}'), kinds)
        self.assertTrue(all(e["token"] and e["client"] == "127.0.0.1"
                            for e in audit if e.get("group") == "north"))

    def test_invalid_names_get_422_with_every_field_and_store_nothing(self):
        self.assertEqual(self.first.as_admin("PUT", "/v1/groups/south", {"name": "南区"}).status,
                         201)
        for body, errors in [
            ({}, [("name", "is required: text of 1 to 64 characters")]),
            ({"name": "  "}, [("name", "must be text of 1 to 64 characters, not only spaces")]),
            ({"name": "x" * 65}, [("name", "must be text of 1 to 64 characters, not only spaces")]),
            ({"name": "a\tb"}, [("name", "must be one line without control characters")]),
            ({"name": "南", "names": {"en": "", "fr": "Sud"}, "colour": 1},
             [("colour", "is not a member of a group; expected name, names"),
              ("names", "has no member 'fr'; only 'en'"),
              ("names.en", "must be text of 1 to 64 characters, not only spaces")]),
        ]:
            with self.subTest(body=body):
                response = self.first.as_admin("PUT", "/v1/groups/south", body)
                document = self.assertProblem(response, 422, "validation")
                self.assertEqual([(e["field"], e["rule"]) for e in document["errors"]], errors)
        response = self.first.as_admin("PUT", "/v1/groups/Bad_Id", {"name": "x"})
        self.assertEqual(response.status, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "id")
        self.assertEqual(self.group(self.first, "south")["name"], "南区")
        self.assertEqual(json.loads(self.redis_server.cli("GET", "ps:group:south")),
                         {"name": "南区", "names": {}})
        self.assertEqual(self.redis_server.cli("EXISTS", "ps:group:Bad_Id").strip(), "0")

    def test_only_an_admin_may_name_or_delete(self):
        response = self.first.request("PUT", "/v1/groups/shared", {"name": "共享"})
        self.assertProblem(response, 401, "unauthorized")
        token = self.first.create_attendant_token(["north-a"]).json()["token"]
        response = self.first.with_token(token, "PUT", "/v1/groups/shared", {"name": "共享"})
        self.assertEqual(response.status, 403)
        response = self.first.with_token(token, "DELETE", "/v1/groups/shared")
        self.assertEqual(response.status, 403)
        self.assertIsNone(self.group(self.first, "shared")["name"])
        self.assertEqual(self.redis_server.cli("EXISTS", "ps:group:shared").strip(), "0")

    def test_list_has_each_groups_lots_and_exact_totals(self):
        response = self.first.get("/v1/groups")
        self.assertEqual(response.status, 200)
        document = response.json()
        self.assertEqual(document["timezone"], "Asia/Shanghai")
        self.assertEqual(document["stale_after"], 1800)
        ids = [g["id"] for g in document["groups"]]
        self.assertEqual(ids, sorted(ids))
        north = self.group(self.first, "north")
        self.assertEqual([(lot["id"], lot["name"], lot["names"]) for lot in north["lots"]],
                         [("north-a", "北门停车场", {"en": "North Gate"}),
                          ("north-b", "北门二号", {}), ("north-c", "北门三号", {}),
                          ("north-shut", "北门夜间", {})])
        totals = dict(north["totals"])
        self.assertRegex(totals.pop("updated_at"), r"\+08:00$")
        self.assertEqual(totals, {"free": 25, "capacity": 100, "occupied": 35, "lots": 4,
                                  "lots_open": 3, "lots_full": 1, "lots_unknown": 1})
        south = self.group(self.first, "south")
        self.assertEqual((south["totals"]["lots_open"], south["totals"]["lots_unknown"],
                          south["totals"]["free"]), (1, 1, 0))
        self.assertEqual([lot["id"] for lot in self.group(self.first, "shared")["lots"]],
                         ["north-b"])
        etag = response.header("ETag")
        self.assertTrue(etag)
        again = self.first.get("/v1/groups", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(self.first.post_occupancy("north-a", {"occupied": 16}).status, 200)
        changed = self.first.get("/v1/groups", headers={"If-None-Match": etag})
        self.assertEqual(changed.status, 200)
        self.assertEqual(self.group(self.first, "north")["totals"]["free"], 24)
        self.assertEqual(self.first.post_occupancy("north-a", {"occupied": 15}).status, 200)
        self.assertEqual(self.first.get("/v1/groups?x=1").status, 422)

    def test_delete_forgets_the_names_on_every_daemon(self):
        self.assertEqual(self.first.as_admin("PUT", "/v1/groups/gone", {"name": "临时"}).status,
                         201)
        wait_for(lambda: (self.group(self.second, "gone") or {}).get("name") == "临时",
                 what="the name on the other daemon")
        response = self.second.as_admin("DELETE", "/v1/groups/gone")
        self.assertEqual(response.status, 204)
        # A group no lot uses and without names is no longer listed.
        self.assertIsNone(self.group(self.second, "gone"))
        wait_for(lambda: self.group(self.first, "gone") is None, what="the deletion")
        self.assertProblem(self.first.as_admin("DELETE", "/v1/groups/gone"), 404, "not-found")


if __name__ == "__main__":
    main()
