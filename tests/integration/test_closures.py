#!/usr/bin/env python3
"""Announced closures: announced on one daemon, started by the clock with no request, seen
on the other daemon's stream and answers, withdrawn; audited; every bad input refused with
the field named and nothing stored; idempotent retries; kept across a lot's replacement and
a fresh load."""

import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_LOTS, SERVER, SOURCE_ROOT, ClusterTestCase, Daemon,  # noqa: E402
                     DaemonTestCase, EventStream, IntegrationTestCase, main, sample_lot,
                     wait_for)
import datex_light  # noqa: E402


def stamp(moment):
    """An RFC 3339 text with an offset for a datetime."""
    return moment.isoformat(timespec="seconds")


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def in_hours(hours):
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))) + \
        datetime.timedelta(hours=hours)


class ClosuresTest(ClusterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id in ("closing", "other", "replaced", "bad-input", "crowded", "in-feeds"):
            body = sample_lot(capacity=50, hours=None, calendar=None)
            assert cls.first.put_lot(lot_id, body).status == 201
            assert cls.first.post_occupancy(lot_id, {"occupied": 10}).status == 200
        created = cls.first.create_attendant_token(["closing"], name="closing gate")
        assert created.status == 201
        cls.attendant = created.json()["token"]
        cls.wait_on_every_daemon(lambda daemon: daemon.get("/v1/lots/crowded").status == 200)

    def lot_field(self, daemon, lot_id, name):
        return daemon.get(f"/v1/lots/{lot_id}").json()[name]

    def stored(self, lot_id):
        return (self.redis_server.cli("HGET", f"ps:lot:{lot_id}", "closures"),
                self.redis_server.cli("HGET", f"ps:lot:{lot_id}", "version"))

    def test_announced_started_on_time_seen_elsewhere_and_withdrawn(self):
        stream = EventStream(self.second, "lot=closing")
        self.addCleanup(stream.close)
        self.assertEqual(stream.next_named("lot")["state"], "open")
        start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
        body = {"from": stamp(start), "to": stamp(start + datetime.timedelta(hours=3)),
                "reason": "市级应急值守", "names": {"en": "Emergency duty"}}
        response = self.first.with_token(self.attendant, "POST", "/v1/lots/closing/closures",
                                         body)
        self.assertEqual(response.status, 201, response.body)
        closure = response.json()
        self.assertRegex(closure["id"], r"^\d+$")
        self.assertEqual(response.header("Location"),
                         f"/v1/lots/closing/closures/{closure['id']}")
        self.assertEqual(instant(closure["from"]), start.replace(microsecond=0))
        self.assertEqual(closure["reason"], "市级应急值守")
        self.assertEqual(closure["names"], {"en": "Emergency duty"})
        self.assertFalse(closure["open_ended"])

        # The other daemon's stream: announced, then started by its clock, with no request.
        announced = stream.next_named("closure")
        self.assertEqual((announced["lot"], announced["kind"]), ("closing", "announced"))
        self.assertEqual(announced["closure"]["id"], closure["id"])
        upcoming = self.lot_field(self.second, "closing", "upcoming_closures")
        self.assertEqual([c["id"] for c in upcoming], [closure["id"]])
        self.assertEqual(instant(self.lot_field(self.second, "closing", "next_change")),
                         start.replace(microsecond=0))
        started = stream.next_named("closure")
        self.assertEqual((started["kind"], started["state"]), ("started", "closed"))
        self.assertGreaterEqual(datetime.datetime.now(datetime.timezone.utc),
                                start.replace(microsecond=0))
        answer = self.second.get("/v1/lots/closing").json()
        self.assertEqual(answer["state"], "closed")
        self.assertFalse(answer["open_now"])
        self.assertEqual(answer["closure"]["reason"], "市级应急值守")
        self.assertEqual(instant(answer["closure"]["until"]),
                         (start + datetime.timedelta(hours=3)).replace(microsecond=0))
        self.assertEqual(answer["upcoming_closures"], [])
        listed = self.second.get("/v1/lots/closing/closures").json()
        self.assertEqual([c["id"] for c in listed["closures"]], [closure["id"]])

        response = self.first.with_token(self.attendant, "DELETE",
                                         f"/v1/lots/closing/closures/{closure['id']}")
        self.assertEqual(response.status, 204, response.body)
        withdrawn = stream.next_named("closure")
        self.assertEqual((withdrawn["kind"], withdrawn["state"]), ("withdrawn", "open"))
        self.assertEqual(self.second.get("/v1/lots/closing").json()["closure"], None)
        self.assertEqual(self.second.get("/v1/lots/closing/closures").json()["closures"], [])
        response = self.first.with_token(self.attendant, "DELETE",
                                         f"/v1/lots/closing/closures/{closure['id']}")
        self.assertEqual(response.status, 404)

        entries = self.first.as_admin("GET", "/v1/audit?lot=closing").json()["entries"]
        kinds = [entry["kind"] for entry in entries]
        self.assertEqual(kinds[-2:], ["closure", "closure_withdrawn"])
        self.assertEqual(entries[-2]["reason"], "市级应急值守")
        self.assertEqual(instant(entries[-2]["from"]), start.replace(microsecond=0))
        self.assertEqual(entries[-1]["closure"], closure["id"])
        everything = self.first.as_admin("GET", "/v1/audit?limit=1000").json()["entries"]
        self.assertIn(entries[-1]["id"], [entry["id"] for entry in everything])

    def test_open_ended_closure_expires_after_closure_max_open(self):
        start = in_hours(1)
        response = self.first.as_admin("POST", "/v1/lots/other/closures",
                                       {"from": stamp(start), "reason": "Flooded entrance"})
        self.assertEqual(response.status, 201, response.body)
        closure = response.json()
        self.assertTrue(closure["open_ended"])
        self.assertEqual(instant(closure["to"]) - instant(closure["from"]),
                         datetime.timedelta(hours=24))
        self.assertEqual(self.first.as_admin(
            "DELETE", f"/v1/lots/other/closures/{closure['id']}").status, 204)

    def test_the_feeds_show_a_closure_in_force(self):
        """DATEX II temporaryClosed, ParkAPI v3 CLOSED with parkshare_closures, ParkAPI v1
        closed; all back once it is withdrawn."""
        def datex_site():
            publication = self.first.get("/datex2/v3/parking-light.json").json()
            # Every element as the DATEX II Parking Light data dictionary defines it.
            self.assertEqual(datex_light.check(publication, "_PayloadPublication"), [])
            return next(site for site in publication["parkingPublicationLight"]["parkingSite"]
                        if site["_id"] == "in-feeds")

        def v1_state():
            lots = self.first.get("/parkapi/v1/qingzhen").json()["lots"]
            return next(lot["state"] for lot in lots if lot["id"] == "in-feeds")

        self.assertEqual((datex_site()["temporaryClosed"], v1_state()), (False, "open"))
        self.assertNotIn("parkshare_closures", self.first.get("/v3/parking-sites/in-feeds").json())
        response = self.first.as_admin("POST", "/v1/lots/in-feeds/closures",
                                       {"from": stamp(in_hours(-1)), "to": stamp(in_hours(2)),
                                        "reason": "Emergency duty"})
        self.assertEqual(response.status, 201, response.body)
        closure = response.json()
        site = self.first.get("/v3/parking-sites/in-feeds").json()
        self.assertEqual(site["realtime_opening_status"], "CLOSED")
        self.assertEqual([(c["id"], c["reason"]) for c in site["parkshare_closures"]],
                         [(closure["id"], "Emergency duty")])
        self.assertEqual(instant(site["parkshare_closures"][0]["to"]), instant(closure["to"]))
        self.assertEqual((datex_site()["temporaryClosed"], v1_state()), (True, "closed"))
        self.assertEqual(self.first.as_admin(
            "DELETE", f"/v1/lots/in-feeds/closures/{closure['id']}").status, 204)
        self.assertEqual((datex_site()["temporaryClosed"], v1_state()), (False, "open"))

    def test_bad_input_names_the_field_and_stores_nothing(self):
        before = self.stored("bad-input")
        cases = [
            ({"from": stamp(in_hours(5)), "to": stamp(in_hours(4)), "reason": "x"}, "to"),
            ({"from": "2026-12-05T08:00:00", "to": stamp(in_hours(4)), "reason": "x"}, "from"),
            ({"from": "2026-02-30T08:00:00+08:00", "reason": "x"}, "from"),
            ({"from": stamp(in_hours(1)), "to": stamp(in_hours(2))}, "reason"),
            ({"from": stamp(in_hours(1)), "reason": "x", "names": {"en": ""}}, "names.en"),
            ({"from": stamp(in_hours(1)), "reason": "x", "until": "tomorrow"}, "until"),
        ]
        for body, field in cases:
            with self.subTest(field=field, body=body):
                response = self.first.as_admin("POST", "/v1/lots/bad-input/closures", body)
                problem = self.assertProblem(response, 422, "validation")
                self.assertEqual([error["field"] for error in problem["errors"]], [field])
        self.assertEqual(self.stored("bad-input"), before)

        valid = {"from": stamp(in_hours(1)), "to": stamp(in_hours(2)), "reason": "x"}
        problem = self.assertProblem(
            self.first.as_admin("POST", "/v1/lots/no-such-lot/closures", valid), 404, "not-found")
        self.assertEqual(problem["errors"][0]["field"], "id")
        self.assertEqual(self.redis_server.cli("EXISTS", "ps:lot:no-such-lot"), "0")
        # The attendant of another lot, and no token at all.
        self.assertProblem(self.first.with_token(self.attendant, "POST",
                                                 "/v1/lots/bad-input/closures", valid),
                           403, "forbidden")
        self.assertEqual(self.first.request("POST", "/v1/lots/bad-input/closures",
                                            valid).status, 401)
        self.assertEqual(self.first.as_admin("DELETE",
                                             "/v1/lots/bad-input/closures/999").status, 404)
        self.assertEqual(self.first.as_admin("DELETE",
                                             "/v1/lots/bad-input/closures/abc").status, 404)
        self.assertEqual(self.stored("bad-input"), before)

    def test_idempotent_retry_and_the_most_closures(self):
        body = {"from": stamp(in_hours(30)), "to": stamp(in_hours(31)), "reason": "Market day"}
        key = {"Idempotency-Key": "closure-retry-1"}
        first = self.first.as_admin("POST", "/v1/lots/crowded/closures", body, key)
        again = self.second.as_admin("POST", "/v1/lots/crowded/closures", body, key)
        self.assertEqual((first.status, again.status), (201, 201))
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(again.json()["id"], first.json()["id"])
        other = dict(body, reason="Another")
        response = self.first.as_admin("POST", "/v1/lots/crowded/closures", other, key)
        self.assertProblem(response, 422, "validation")
        for hour in range(19):
            body = {"from": stamp(in_hours(40 + hour)), "to": stamp(in_hours(40.5 + hour)),
                    "reason": f"Works {hour}"}
            self.assertEqual(self.first.as_admin("POST", "/v1/lots/crowded/closures",
                                                 body).status, 201)
        before = self.stored("crowded")
        response = self.first.as_admin("POST", "/v1/lots/crowded/closures",
                                       {"from": stamp(in_hours(90)), "reason": "One too many"})
        problem = self.assertProblem(response, 422, "validation")
        self.assertEqual(problem["errors"][0]["field"], "from")
        self.assertEqual(self.stored("crowded"), before)
        wait_for(lambda: len(self.second.get("/v1/lots/crowded/closures").json()["closures"])
                 == 20, what="20 closures on the other daemon")

    def test_kept_when_the_lot_is_replaced_and_on_a_fresh_load(self):
        response = self.first.as_admin("POST", "/v1/lots/replaced/closures",
                                       {"from": stamp(in_hours(-1)), "to": stamp(in_hours(5)),
                                        "reason": "Resurfacing"})
        self.assertEqual(response.status, 201, response.body)
        body = sample_lot(capacity=60, hours=None, calendar=None, name="Renamed")
        put = self.first.put_lot("replaced", body)
        self.assertEqual(put.status, 200)
        self.assertEqual(put.json()["closure"]["reason"], "Resurfacing")
        self.wait_on_every_daemon(
            lambda daemon: daemon.get("/v1/lots/replaced").json()["name"] == "Renamed")
        for daemon in (self.first, self.second):
            answer = daemon.get("/v1/lots/replaced").json()
            self.assertEqual((answer["state"], answer["closure"]["reason"]),
                             ("closed", "Resurfacing"))
        calendar = self.second.get("/v1/lots/replaced/schedule.ics?days=2").body.decode()
        self.assertIn("SUMMARY:Closed: Resurfacing\r\n", calendar)
        self.assertIn("UID:replaced-closure-", calendar)
        fresh = Daemon(settings={"redis": self.redis_server.url()})
        self.addCleanup(fresh.cleanup)
        fresh.start()
        self.addCleanup(fresh.stop)
        answer = fresh.get("/v1/lots/replaced").json()
        self.assertEqual((answer["state"], answer["closure"]["reason"]),
                         ("closed", "Resurfacing"))


class ClosurePagesTest(DaemonTestCase):
    """The driver page and the board say why a lot is closed, and until when (Chromium)."""

    def test_driver_page_and_board_show_the_closures(self):
        place = {"lat": 29.123, "lon": 109.456}
        for lot_id, start, reason in (("closure-now", -1, "Flooded entrance"),
                                      ("closure-soon", 30, "Festival")):
            body = sample_lot(groups=["closure-pages"], hours=None, calendar=None, location=place,
                              capacity=30)
            self.assertEqual(self.shared.put_lot(lot_id, body).status, 201)
            self.shared.post_occupancy(lot_id, {"occupied": 5})
            closure = {"from": stamp(in_hours(start)), "to": stamp(in_hours(start + 3)),
                       "reason": reason}
            self.assertEqual(self.shared.as_admin("POST", f"/v1/lots/{lot_id}/closures",
                                                  closure).status, 201)
        result = subprocess.run(
            ["node", "closure-pages.mjs", self.shared.base_url, str(place["lat"]),
             str(place["lon"])], capture_output=True, text=True,
            cwd=os.path.join(SOURCE_ROOT, "tests", "browser"), timeout=120)
        print(result.stdout, end="")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("board: ", result.stdout)


class NotReplicatedClosureTest(IntegrationTestCase):
    """write_replicas with no replica: a closure is a 503 to retry, stored once on the master."""

    def test_an_unconfirmed_closure_is_stored_once_and_retried_with_its_key(self):
        redis = self.redis()
        daemon = self.daemon(settings={"redis": redis.url(), "write_replicas": "1",
                                       "write_replica_timeout": "1"}).start()
        daemon.put_lot("unconfirmed", sample_lot(capacity=10, hours=None, calendar=None))
        wait_for(lambda: daemon.get("/v1/lots/unconfirmed").status == 200, what="the lot")
        body = {"from": stamp(in_hours(2)), "to": stamp(in_hours(3)), "reason": "Works"}
        key = {"Idempotency-Key": "unconfirmed-1"}
        for attempt in range(2):
            response = daemon.as_admin("POST", "/v1/lots/unconfirmed/closures", body, key)
            self.assertEqual(response.status, 503, response.body)
            self.assertEqual(response.json()["type"], "/problems/not-replicated")
            self.assertEqual(response.header("Retry-After"), "1")
            self.assertEqual(len(json.loads(redis.cli("HGET", "ps:lot:unconfirmed",
                                                      "closures"))), 1)
        wait_for(lambda: len(daemon.get("/v1/lots/unconfirmed/closures").json()["closures"])
                 == 1, what="the closure from the change message")


class DemoClosureCheckTest(IntegrationTestCase):
    """--check-config refuses a demo closure that a POST would refuse, or on a lot it lacks."""

    def check_with(self, closures):
        with open(DEMO_LOTS) as source:
            demo = json.load(source)
        demo["closures"] = closures
        workdir = tempfile.mkdtemp(prefix="parkshare-closures-")
        self.addCleanup(subprocess.run, ["rm", "-rf", workdir])
        path = os.path.join(workdir, "lots.json")
        with open(path, "w") as out:
            json.dump(demo, out, ensure_ascii=False)
        return subprocess.run(
            [SERVER, "--check-config", "-c", os.path.join(SOURCE_ROOT, "config", "parkshare.conf"),
             "--set", "web_root=" + os.path.join(SOURCE_ROOT, "client", "web"),
             "--set", "calendar_dir=" + os.path.join(SOURCE_ROOT, "config", "calendars"),
             "--set", f"demo={path}"], capture_output=True, text=True, timeout=30), path

    def test_bad_demo_closures_are_named(self):
        good = {"lot": "gov-court", "in_days": 2, "start": "09:00", "hours": 3, "reason": "x"}
        result, _ = self.check_with([good])
        self.assertEqual(result.returncode, 0, result.stderr)
        result, path = self.check_with([dict(good, lot="no-such-lot")])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, f"parkshare-server: demo {path}: closures[0].lot must be "
                                        "one of the demo's lots\n")
        result, path = self.check_with([good, dict(good, reason="")])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, f"parkshare-server: demo {path}: closures[1]: reason: "
                                        "must be a text of 1 to 200 characters\n")
        result, path = self.check_with([dict(good, start="25:00")])
        self.assertEqual(result.returncode, 2)
        self.assertIn("closures[0]: a closure needs", result.stderr)


if __name__ == "__main__":
    main()
