#!/usr/bin/env python3
"""Schedules over HTTP: day types from the cn calendar, windows in local time, and a state
that flips with the clock, seen on a read without any write."""

import datetime
import os
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, main, sample_lot, wait_for  # noqa: E402

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class ScheduleTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shared.put_lot("weekend-lot", sample_lot(hours={"weekend": "24h", "holiday": "24h"}))
        cls.shared.put_lot("night-lot",
                           sample_lot(hours={"workday": "18:30-07:30", "weekend": "24h",
                                             "holiday": "24h"}))
        wait_for(lambda: cls.shared.get("/v1/lots/night-lot").status == 200)

    def schedule(self, lot, query):
        response = self.shared.get(f"/v1/lots/{lot}/schedule?{query}")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Access-Control-Allow-Origin"), "*")
        return response.json()

    def test_spring_festival_2026(self):
        answer = self.schedule("weekend-lot", "from=2026-02-13&days=12")
        self.assertEqual(answer["timezone"], "Asia/Shanghai")
        self.assertEqual(answer["calendar"], "cn")
        days = {day["date"]: day for day in answer["days"]}
        self.assertEqual(len(days), 12)
        self.assertEqual((days["2026-02-13"]["day_type"], days["2026-02-13"]["open"]),
                         ("workday", []))
        self.assertEqual((days["2026-02-14"]["day_type"], days["2026-02-14"]["open"]),
                         ("makeup_workday", []))
        for day in range(15, 24):
            date = f"2026-02-{day}"
            self.assertEqual(days[date]["day_type"], "holiday")
            self.assertEqual(days[date]["holiday_name"], "春节")
            next_day = (datetime.date(2026, 2, day) + datetime.timedelta(days=1)).isoformat()
            self.assertEqual(days[date]["open"], [{"start": f"{date}T00:00:00+08:00",
                                                   "end": f"{next_day}T00:00:00+08:00"}])
        self.assertEqual((days["2026-02-24"]["day_type"], days["2026-02-24"]["open"]),
                         ("workday", []))
        self.assertIsNone(days["2026-02-24"]["holiday_name"])

    def test_night_windows_run_into_the_holiday(self):
        answer = self.schedule("night-lot", "from=2026-09-30&days=2")
        first, second = answer["days"]
        self.assertEqual(first["open"], [
            {"start": "2026-09-30T00:00:00+08:00", "end": "2026-09-30T07:30:00+08:00"},
            {"start": "2026-09-30T18:30:00+08:00", "end": "2026-10-01T00:00:00+08:00"}])
        self.assertEqual(second["open"], [
            {"start": "2026-10-01T00:00:00+08:00", "end": "2026-10-02T00:00:00+08:00"}])
        self.assertEqual(second["holiday_name"], "国庆节")
        # 2026-10-10, a make-up Saturday, takes the workday window.
        saturday = self.schedule("night-lot", "from=2026-10-10&days=1")["days"][0]
        self.assertEqual(saturday["day_type"], "makeup_workday")
        self.assertEqual(saturday["open"], [
            {"start": "2026-10-10T00:00:00+08:00", "end": "2026-10-10T07:30:00+08:00"},
            {"start": "2026-10-10T18:30:00+08:00", "end": "2026-10-11T00:00:00+08:00"}])

    def test_ics_of_the_spring_festival(self):
        response = self.shared.get("/v1/lots/weekend-lot/schedule.ics?from=2026-02-13&days=12")
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.header("Content-Type"), "text/calendar; charset=utf-8")
        text = response.body.decode()
        self.assertTrue(text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        self.assertTrue(text.endswith("END:VCALENDAR\r\n"))
        self.assertEqual(text.count("BEGIN:VEVENT"), 1)
        self.assertIn("\r\nDTSTART:20260214T160000Z\r\nDTEND:20260223T160000Z\r\n", text)
        self.assertIn("\r\nSUMMARY:Civic Centre East\r\n", text)
        self.assertTrue(all(len(line.encode()) <= 75 for line in text.split("\r\n")))
        again = self.shared.get("/v1/lots/weekend-lot/schedule.ics?from=2026-02-13&days=12",
                                headers={"If-None-Match": response.header("ETag")})
        self.assertEqual(again.status, 304)

    def test_osm_opening_hours(self):
        body = sample_lot(hours=None, opening_hours="Mo-Fr 18:30-07:30; Sa,Su,PH 24/7")
        response = self.shared.put_lot("osm-lot", body)
        self.assertEqual(response.status, 201, response.body)
        self.assertEqual(response.json()["opening_hours"], "Mo-Fr 18:30-07:30; Sa,Su,PH 24/7")
        wait_for(lambda: self.shared.get("/v1/lots/osm-lot").status == 200)
        days = self.schedule("osm-lot", "from=2026-02-13&days=3")["days"]
        # PH is the calendar's day off; a make-up Saturday is still a Saturday in OSM terms.
        self.assertEqual(days[0]["open"], [
            {"start": "2026-02-13T00:00:00+08:00", "end": "2026-02-13T07:30:00+08:00"},
            {"start": "2026-02-13T18:30:00+08:00", "end": "2026-02-14T00:00:00+08:00"}])
        self.assertEqual(days[2]["open"], [
            {"start": "2026-02-15T00:00:00+08:00", "end": "2026-02-16T00:00:00+08:00"}])
        derived = self.shared.get("/v1/lots/night-lot").json()["opening_hours"]
        self.assertEqual(derived, "Mo-Fr 18:30-07:30; Sa,Su 00:00-24:00; PH 00:00-24:00")
        response = self.shared.put_lot("osm-bad",
                                       sample_lot(hours=None, opening_hours="Jan-Mar 10:00-12:00"))
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"], [{
            "field": "opening_hours",
            "rule": "unsupported opening_hours construct 'Jan' at position 0: outside the "
                    "supported subset (weekdays, PH, times, 24/7, open, off)"}])

    def test_bad_queries(self):
        for query, field in (("days=0", "days"), ("days=367", "days"), ("from=2026-13-01", "from"),
                             ("when=now", "when")):
            with self.subTest(query=query):
                response = self.shared.get(f"/v1/lots/weekend-lot/schedule?{query}")
                document = self.assertProblem(response, 422, "validation")
                self.assertEqual(document["errors"][0]["field"], field)
        self.assertProblem(self.shared.get("/v1/lots/nope/schedule"), 404, "not-found")
        self.assertEqual(len(self.schedule("weekend-lot", "days=366")["days"]), 366)

    def test_state_flips_with_the_clock_without_any_write(self):
        now = datetime.datetime.now(SHANGHAI)
        start = (now + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0)
        if (start - now).total_seconds() < 5:
            start += datetime.timedelta(minutes=1)
        end = start + datetime.timedelta(minutes=1)
        hours = {"dates": {start.date().isoformat(): f"{start:%H:%M}-{end:%H:%M}"}}
        response = self.shared.put_lot("flip-lot", sample_lot(hours=hours))
        self.assertEqual(response.status, 201, response.body)
        lot = wait_for(lambda: (lambda r: r.status == 200 and r.json())(
            self.shared.get("/v1/lots/flip-lot")), what="the new lot")
        self.assertEqual((lot["state"], lot["open_now"]), ("closed", False))
        self.assertEqual(lot["next_change"], start.isoformat())
        etag = self.shared.get("/v1/lots/flip-lot").header("ETag")
        # No write from here on: only the daemon's timer can change the answer.
        opened = wait_for(lambda: (lambda body: body["open_now"] and body)(
            self.shared.get("/v1/lots/flip-lot").json()), timeout=90, interval=0.2,
            what="the lot to open by the clock")
        flipped_at = datetime.datetime.now(SHANGHAI)
        self.assertGreaterEqual(flipped_at, start)
        self.assertLess((flipped_at - start).total_seconds(), 5)
        self.assertEqual(opened["state"], "unknown")  # open, but no count yet
        self.assertEqual(opened["next_change"], end.isoformat())
        self.assertNotEqual(self.shared.get("/v1/lots/flip-lot").header("ETag"), etag)


if __name__ == "__main__":
    main()
