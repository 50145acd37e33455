#!/usr/bin/env python3
"""Leave-by deadlines over HTTP: the deadline in the lot answer while open and after entry
closes, each day's deadline in the schedule answer, the .ics event, seasons, and 422s that
name the field and store nothing."""

import datetime
import os
import subprocess
import sys
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, EventStream, main, sample_lot, wait_for  # noqa: E402

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AGENCY_HOURS = {"weekend": "07:00-22:00", "holiday": "07:00-22:00"}
NEXT_WORKDAY = {"time": "07:30", "on": "next_workday"}
BROWSER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "browser")
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
NOTE = "请于次一工作日 07:30 前驶离 (leave by 07:30 on the next workday)"


def clock(moment):
    return moment.strftime("%H:%M")


def every_day(window):
    return {"workday": window, "weekend": window, "holiday": window}


class LeaveByTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared.put_lot("agency", sample_lot(hours=AGENCY_HOURS, leave_by=NEXT_WORKDAY))
        wait_for(lambda: cls.shared.get("/v1/lots/agency").status == 200)

    def put_and_read(self, lot_id, body):
        response = self.shared.put_lot(lot_id, body)
        self.assertIn(response.status, (200, 201), response.body)
        version = response.json()["version"]
        wait_for(lambda: self.shared.get(f"/v1/lots/{lot_id}").status == 200 and
                 self.shared.get(f"/v1/lots/{lot_id}").json()["version"] == version)
        return self.shared.get(f"/v1/lots/{lot_id}").json()

    def schedule(self, query):
        response = self.shared.get(f"/v1/lots/agency/schedule?{query}")
        self.assertEqual(response.status, 200, response.body)
        return response.json()

    def test_deadline_while_open(self):
        # Entry from an hour ago to two hours ahead, every day; out half an hour after.
        now = datetime.datetime.now(SHANGHAI).replace(second=0, microsecond=0)
        start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2)
        deadline = end + datetime.timedelta(minutes=30)
        lot = self.put_and_read("open-now", sample_lot(
            hours=every_day(f"{clock(start)}-{clock(end)}"), calendar=None,
            leave_by={"time": clock(deadline), "on": "same_day"}))
        self.assertTrue(lot["open_now"])
        self.assertEqual(lot["state"], "unknown")
        self.assertEqual(lot["leave_by"], deadline.isoformat())
        self.assertEqual(lot["leave_by_rule"], {"time": clock(deadline), "on": "same_day"})
        self.assertEqual(lot["opening_hours_note"],
                         f"请于当日 {clock(deadline)} 前驶离 (leave by {clock(deadline)} the same day)")
        # The ParkAPI v3 feed carries it under our prefix, in UTC as the feeds write times.
        site = self.shared.get("/v3/parking-sites/open-now").json()
        self.assertEqual(site["parkshare_leave_by"], deadline.astimezone(
            datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def test_deadline_after_entry_closes_and_state_closed(self):
        now = datetime.datetime.now(SHANGHAI).replace(second=0, microsecond=0)
        start, end = now - datetime.timedelta(hours=3), now - datetime.timedelta(hours=1)
        deadline = end + datetime.timedelta(hours=3)
        lot = self.put_and_read("after-entry", sample_lot(
            hours=every_day(f"{clock(start)}-{clock(end)}"), calendar=None,
            leave_by={"time": clock(deadline), "on": "same_day"}))
        self.assertFalse(lot["open_now"])
        self.assertEqual(lot["state"], "closed")
        self.assertEqual(lot["leave_by"], deadline.isoformat())
        self.assertEqual(lot["next_change"], (start + datetime.timedelta(days=1)).isoformat())

    def test_board_and_driver_page_show_the_deadline(self):
        now = datetime.datetime.now(SHANGHAI).replace(second=0, microsecond=0)
        start, end = now - datetime.timedelta(hours=3), now - datetime.timedelta(hours=1)
        deadline = end + datetime.timedelta(hours=3)
        lot = self.put_and_read("board-leave", sample_lot(
            groups=["leave-board"], hours=every_day(f"{clock(start)}-{clock(end)}"),
            calendar=None, leave_by={"time": clock(deadline), "on": "same_day"}))
        self.assertEqual(lot["leave_by"], deadline.isoformat())
        expected = f"请于 {WEEKDAYS[deadline.weekday()]} {clock(deadline)} 前驶离"
        result = subprocess.run(["node", "leave-by-pages.mjs", self.shared.base_url, "leave-board",
                                 "board-leave", expected],
                                capture_output=True, text=True, cwd=BROWSER_DIR, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"leave-by shown on the board and the driver page: {expected}", result.stdout)

    def test_deadline_passes_with_nobody_writing(self):
        # Entry ended an hour ago; the deadline is the next whole minute (at least 15 s away).
        now = datetime.datetime.now(SHANGHAI)
        deadline = (now + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
        if (deadline - now).total_seconds() < 15:
            deadline += datetime.timedelta(minutes=1)
        minute = now.replace(second=0, microsecond=0)
        start, end = minute - datetime.timedelta(hours=3), minute - datetime.timedelta(hours=1)
        lot = self.put_and_read("passing", sample_lot(
            hours=every_day(f"{clock(start)}-{clock(end)}"), calendar=None,
            leave_by={"time": clock(deadline), "on": "same_day"}))
        self.assertEqual((lot["state"], lot["leave_by"]), ("closed", deadline.isoformat()))
        stream = EventStream(self.shared, "lot=passing")
        try:
            self.assertEqual(stream.next_named("lot")["leave_by"], deadline.isoformat())
        finally:
            stream.close()
        wait_for(lambda: self.shared.get("/v1/lots/passing").json()["leave_by"] is None,
                 timeout=150, interval=0.5, what="the deadline passing")
        # Not before the deadline, and on time: the clock timer is armed for it (the
        # daemon's once-a-minute re-check alone would be up to a minute late).
        seen = datetime.datetime.now(SHANGHAI)
        self.assertGreaterEqual(seen, deadline)
        self.assertLess((seen - deadline).total_seconds(), 5)
        after = self.shared.get("/v1/lots/passing").json()
        self.assertEqual((after["state"], after["version"]), ("closed", lot["version"]))

    def test_no_rule_means_null(self):
        lot = self.put_and_read("no-rule", sample_lot())
        self.assertIsNone(lot["leave_by"])
        self.assertNotIn("leave_by_rule", lot)
        self.assertNotIn("opening_hours_note", lot)

    def test_schedule_answer_national_day_and_make_up_workday(self):
        answer = self.schedule("from=2026-09-19&days=24")
        self.assertEqual(answer["leave_by_rule"], NEXT_WORKDAY)
        self.assertEqual(answer["opening_hours_note"], NOTE)
        days = {day["date"]: day for day in answer["days"]}
        self.assertEqual(days["2026-09-19"]["leave_by"], "2026-09-20T07:30:00+08:00")
        self.assertEqual(days["2026-09-19"]["open"], [
            {"start": "2026-09-19T07:00:00+08:00", "end": "2026-09-19T22:00:00+08:00"}])
        self.assertEqual((days["2026-09-20"]["day_type"], days["2026-09-20"]["open"],
                          days["2026-09-20"]["leave_by"]), ("makeup_workday", [], None))
        for day in range(1, 8):
            self.assertEqual(days[f"2026-10-0{day}"]["leave_by"], "2026-10-08T07:30:00+08:00")
        self.assertEqual((days["2026-10-08"]["open"], days["2026-10-08"]["leave_by"]), ([], None))
        # Saturday 10-10 is a make-up workday; Sunday 10-11 is out by Monday 10-12.
        self.assertIsNone(days["2026-10-10"]["leave_by"])
        self.assertEqual(days["2026-10-11"]["leave_by"], "2026-10-12T07:30:00+08:00")

    def test_ics_carries_the_deadline_as_its_own_event(self):
        response = self.shared.get("/v1/lots/agency/schedule.ics?from=2026-10-01&days=8")
        self.assertEqual(response.status, 200, response.body)
        text = response.body.decode()
        self.assertEqual(text.count("BEGIN:VEVENT"), 8)
        deadline = text.index("DTSTART:20261007T233000Z\r\n")
        event = text[text.rindex("BEGIN:VEVENT", 0, deadline):text.index("END:VEVENT", deadline)]
        self.assertNotIn("DTEND", event)
        self.assertIn("-leave-by@parkshare", event)
        self.assertIn("SUMMARY:请于次一工作日 07:30 前驶离 (leave by 07:30 on the next workday)",
                      event.replace("\r\n ", ""))

    def test_seasons_across_the_new_year(self):
        self.put_and_read("seasonal", sample_lot(hours={
            "weekend": "24h",
            "seasons": [{"from": "11-01", "to": "03-31", "hours": {"weekend": "10:00-16:00"}}]},
            calendar=None))
        response = self.shared.get("/v1/lots/seasonal/schedule?from=2026-10-31&days=1")
        self.assertEqual(response.json()["days"][0]["open"], [
            {"start": "2026-10-31T00:00:00+08:00", "end": "2026-11-01T00:00:00+08:00"}])
        for date in ("2026-11-01", "2027-01-02", "2027-03-27"):
            response = self.shared.get(f"/v1/lots/seasonal/schedule?from={date}&days=1")
            self.assertEqual(response.json()["days"][0]["open"], [
                {"start": f"{date}T10:00:00+08:00", "end": f"{date}T16:00:00+08:00"}], date)

    def test_bad_input_names_the_field_and_stores_nothing(self):
        before = self.shared.get("/v1/lots/agency").json()
        cases = [
            ({"leave_by": {"time": "24:00", "on": "next_workday"}}, "leave_by.time"),
            ({"leave_by": {"time": "07:61", "on": "next_workday"}}, "leave_by.time"),
            ({"leave_by": {"time": "07:30", "on": "tomorrow"}}, "leave_by.on"),
            ({"leave_by": "2026-10-08T07:30:00+08:00"}, "leave_by"),
            ({"leave_by_rule": NEXT_WORKDAY}, "leave_by_rule"),
            ({"hours": {"seasons": [{"from": "02-30", "to": "03-31", "hours": {}}]}},
             "hours.seasons[0].from"),
            ({"hours": {"seasons": [{"from": "05-01", "to": "09-31", "hours": {}}]}},
             "hours.seasons[0].to"),
        ]
        for change, field in cases:
            with self.subTest(field=field, change=change):
                response = self.shared.put_lot("agency", sample_lot(**change))
                document = self.assertProblem(response, 422, "validation")
                self.assertEqual([error["field"] for error in document["errors"]], [field])
        self.assertEqual(self.shared.get("/v1/lots/agency").json()["version"], before["version"])
        self.assertEqual(self.shared.get("/v1/lots/agency").json()["leave_by_rule"], NEXT_WORKDAY)


if __name__ == "__main__":
    main()
