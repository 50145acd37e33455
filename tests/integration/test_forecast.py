#!/usr/bin/env python3
"""The calendar-aware forecast, measured: two years of synthetic hourly history with a strong
holiday effect (a lot near a scenic spot, busy on holidays, each holiday day its own level) and
make-up workdays that look like workdays, imported through POST /v1/lots/{id}/history; the
backtest (GET /v1/lots/{id}/forecast/eval, what parkshare-cli forecast-eval prints) beats the
same-weekday-over-three-weeks baseline by a wide margin on holidays and make-up workdays and is
no worse on normal days. GET /v1/lots/{id}/forecast answers free spaces with an 80 % interval,
says "insufficient" with little history, and refuses bad input by name."""

import datetime
import json
import os
import subprocess
import sys
import urllib.parse
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD_ROOT, SOURCE_ROOT, DaemonTestCase, main, sample_lot,  # noqa: E402
                     wait_for)
import datex_light  # noqa: E402

CLI = os.path.join(BUILD_ROOT, "client", "parkshare-cli")

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
CAPACITY = 200
WORKDAY = [10, 10, 10, 10, 10, 10, 20, 60, 150, 180, 180, 180, 170, 180, 180, 180, 180, 120, 60,
           30, 20, 20, 10, 10]
WEEKEND = [8, 8, 8, 8, 8, 8, 10, 15, 25, 40, 45, 45, 45, 45, 40, 40, 35, 30, 20, 15, 10, 10, 8, 8]


def calendar_days():
    with open(os.path.join(SOURCE_ROOT, "config", "calendars", "cn.json")) as source:
        days = json.load(source)["days"]
    return {datetime.date.fromisoformat(d["date"]): (d["kind"], d.get("name", "")) for d in days}


def holiday_index(calendar, day):
    kind, name = calendar[day]
    index = 1
    while calendar.get(day - datetime.timedelta(days=index)) == (kind, name):
        index += 1
    return index


def is_long_holiday_ahead(calendar, day):
    entry = calendar.get(day + datetime.timedelta(days=1))
    if not entry or entry[0] != "holiday":
        return False
    return all(calendar.get(day + datetime.timedelta(days=k)) == entry for k in (1, 2, 3))


def noise(day, hour):
    return (day.toordinal() * 7919 + hour * 104729) % 17 - 8


def occupied(calendar, day, hour):
    """The synthetic lot: workdays busy, weekends quiet, holidays very busy (each holiday's
    day its own level, the same every year), the afternoon before a long holiday quiet."""
    entry = calendar.get(day)
    if entry and entry[0] == "holiday":
        index = holiday_index(calendar, day)
        level = 90 + (len(entry[1]) * 13 + index * 23) % 80
        value = WEEKEND[hour] * 0.3 + (level if 8 <= hour <= 19 else 20)
    elif entry and entry[0] == "workday":
        value = WORKDAY[hour]
    elif day.weekday() >= 5:
        value = WEEKEND[hour]
    else:
        value = WORKDAY[hour]
        if is_long_holiday_ahead(calendar, day) and hour >= 14:
            value = value * 0.4
    return max(0, min(CAPACITY, int(value + noise(day, hour))))


class ForecastTest(DaemonTestCase):
    daemon_settings = {"history_days": "800", "max_body": "4m"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id, groups, hours in (("scenic", ["forecast", "scenic-area"], None),
                                      ("fresh", ["forecast"], None),
                                      ("shut", ["arrivals"], {"workday": "off", "weekend": "off",
                                                              "holiday": "off"})):
            body = sample_lot(capacity=CAPACITY, groups=groups, hours=hours)
            assert cls.shared.put_lot(lot_id, body).status == 201
        calendar = calendar_days()
        today = datetime.datetime.now(ZONE).date()
        cls.first = today - datetime.timedelta(days=2 * 365)
        samples = []
        day = cls.first
        while day < today:
            for hour in range(24):
                moment = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
                samples.append({"time": moment.isoformat(), "occupied":
                                occupied(calendar, day, hour)})
            day += datetime.timedelta(days=1)
        for lot_id in ("scenic", "shut"):
            response = cls.shared.as_admin("POST", f"/v1/lots/{lot_id}/history", samples)
            assert response.status == 200, response.body
        cls.imported = len(samples)

    def test_backtest_beats_the_three_week_baseline_on_the_calendar(self):
        today = datetime.datetime.now(ZONE).date()
        query = urllib.parse.urlencode({"from": (today - datetime.timedelta(days=365)).isoformat(),
                                        "to": (today - datetime.timedelta(days=1)).isoformat()})
        response = self.shared.as_admin("GET", f"/v1/lots/scenic/forecast/eval?{query}")
        self.assertEqual(response.status, 200, response.body)
        document = response.json()
        print(json.dumps(document, ensure_ascii=False), file=sys.stderr)
        classes = document["classes"]
        self.assertGreater(classes["holiday"]["hours"], 24 * 20)
        self.assertGreater(classes["makeup_workday"]["hours"], 24 * 4)
        for lead in ("1h", "3h", "24h"):
            for name in ("holiday", "makeup_workday"):
                ours, theirs = classes[name]["mae"][lead], classes[name]["baseline_mae"][lead]
                self.assertLess(ours, theirs / 2, f"{name} {lead}: {ours} against {theirs}")
            ours, theirs = classes["normal"]["mae"][lead], classes["normal"]["baseline_mae"][lead]
            self.assertLessEqual(ours, theirs * 1.02, f"normal {lead}: {ours} against {theirs}")

    def test_cli_prints_the_backtest_per_kind_of_day(self):
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PARKSHARE_")}
        result = subprocess.run([CLI, "-u", self.shared.base_url, "-t", self.shared.admin_token(),
                                 "forecast-eval", "--lot", "scenic", "--from", "2026-01-01",
                                 "--to", "2026-03-31"], capture_output=True, text=True,
                                timeout=120, env=environment)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("scenic 2026-01-01 .. 2026-03-31 ("), lines[0])
        self.assertEqual([line.split()[0] for line in lines[2:]],
                         ["holiday", "makeup_workday", "normal"])
        self.assertEqual(len(lines[2].split()), 8)  # name, hours, 3 errors and 3 baseline errors
        result = subprocess.run([CLI, "-u", self.shared.base_url, "forecast-eval", "--lot",
                                 "scenic"], capture_output=True, text=True, timeout=60,
                                env=environment)
        self.assertEqual(result.returncode, 4, result.stdout)  # refused: no token

    def test_forecast_has_an_interval_and_day_kinds(self):
        response = self.shared.get("/v1/lots/scenic/forecast?step=1h")
        self.assertEqual(response.status, 200, response.body)
        document = response.json()
        self.assertEqual(document["basis"], "calendar")
        self.assertGreaterEqual(document["days_known"], 700)
        self.assertEqual(len(document["points"]), 25)
        self.assertEqual(len(document["usual_today"]), 24)
        self.assertTrue(all(0 <= free <= CAPACITY for free in document["usual_today"]))
        self.assertIn(document["today"], ("workday", "weekend", "holiday", "makeup_workday",
                                          "pre_holiday"))
        for point in document["points"]:
            self.assertLessEqual(point["free_low"], point["free"])
            self.assertLessEqual(point["free"], point["free_high"])
            self.assertTrue(0 <= point["free_low"] and point["free_high"] <= CAPACITY, point)
            self.assertIn(point["day"], ("workday", "weekend", "holiday", "makeup_workday",
                                         "pre_holiday"))
        # Seven days ahead is the limit.
        now = datetime.datetime.now(ZONE)
        query = urllib.parse.urlencode({"to": (now + datetime.timedelta(days=6, hours=23))
                                        .isoformat(timespec="seconds")})
        self.assertEqual(self.shared.get(f"/v1/lots/scenic/forecast?{query}").status, 200)

    def test_group_forecast_sums_its_lots(self):
        query = "?step=1h"
        lot = self.shared.get(f"/v1/lots/scenic/forecast{query}").json()
        group = self.shared.get(f"/v1/groups/scenic-area/forecast{query}").json()
        self.assertEqual(group["basis"], "calendar")
        self.assertEqual(group["lots"], 1)
        self.assertEqual(group["capacity"], CAPACITY)
        self.assertEqual([(p["free"], p["free_low"], p["free_high"]) for p in group["points"]],
                         [(p["free"], p["free_low"], p["free_high"]) for p in lot["points"]])
        # One lot without history: the group has no basis rather than half a figure.
        mixed = self.shared.get("/v1/groups/forecast/forecast").json()
        self.assertEqual((mixed["basis"], mixed["lots"], mixed["capacity"], mixed["points"]),
                         ("insufficient", 2, 2 * CAPACITY, []))
        self.assertEqual(self.shared.get("/v1/groups/nobody/forecast").status, 404)
        self.assertRefused("/v1/groups/forecast/forecast?step=1d", "step", "must be 5m or 1h")

    def test_driver_page_draws_the_chosen_lots_day(self):
        result = subprocess.run(["node", "forecast-chart.mjs", self.shared.base_url, "scenic",
                                 "fresh"], capture_output=True, text=True, timeout=180,
                                cwd=os.path.join(SOURCE_ROOT, "tests", "browser"))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("chart: usual 24, ahead", result.stdout)

    def test_arrive_at_keeps_lots_open_then_with_room_expected(self):
        arrive = urllib.parse.quote((datetime.datetime.now(ZONE) + datetime.timedelta(hours=2))
                                    .isoformat(timespec="seconds"))
        response = self.shared.get(f"/v1/lots?arrive_at={arrive}&min_free=1")
        self.assertEqual(response.status, 200, response.body)
        document = response.json()
        self.assertEqual((document["min_free"], document["next_cursor"]), (1, None))
        # "shut" has the same history but is closed then; "fresh" has no forecast basis.
        self.assertEqual([lot["id"] for lot in document["lots"]], ["scenic"])
        expected = self.shared.get(f"/v1/lots/scenic/forecast?from={arrive}&to={arrive}").json()
        self.assertEqual(document["lots"][0]["forecast"],
                         {key: expected["points"][0][key]
                          for key in ("free", "free_low", "free_high")})
        self.assertEqual(document["lots"][0]["capacity"], CAPACITY)
        free = document["lots"][0]["forecast"]["free"]
        more = self.shared.get(f"/v1/lots?arrive_at={arrive}&min_free={free + 1}").json()
        self.assertEqual(more["lots"], [])
        self.assertEqual(self.shared.get(f"/v1/lots?arrive_at={arrive}&min_free={free}&"
                                         "group=scenic-area").json()["lots"][0]["id"], "scenic")
        later = urllib.parse.quote((datetime.datetime.now(ZONE) + datetime.timedelta(days=8))
                                   .isoformat(timespec="seconds"))
        self.assertRefused(f"/v1/lots?arrive_at={later}", "arrive_at", "from now to 7 days ahead")
        self.assertRefused("/v1/lots?arrive_at=soon", "arrive_at", "RFC 3339")
        self.assertRefused(f"/v1/lots?arrive_at={arrive}&open=true", "open", "not with arrive_at")
        self.assertRefused(f"/v1/lots?arrive_at={arrive}&min_free=-1", "min_free", "")

    def test_the_feeds_say_which_lots_have_a_forecast_and_their_trend(self):
        """The refresh reads one lot's history every 2 s, in turn: within a round of the three
        lots, ParkAPI v1 says forecast true for the lots with history and DATEX II gives their
        occupancyTrend; a lot without history has neither."""
        def city_forecasts():
            lots = self.shared.get("/parkapi/v1/qingzhen").json()["lots"]
            return {lot["id"]: lot["forecast"] for lot in lots}

        wait_for(lambda: city_forecasts() == {"scenic": True, "fresh": False, "shut": True},
                 timeout=20, what="every lot's forecast flag in the ParkAPI v1 feed")
        publication = self.shared.get("/datex2/v3/parking-light.json").json()
        sites = {site["_id"]: site for site in publication["parkingPublicationLight"]["parkingSite"]}
        self.assertEqual(datex_light.check(publication, "_PayloadPublication"), [])
        # A DATEX II enumeration: {"value": …}.
        trends = ({"value": "increasing"}, {"value": "decreasing"}, {"value": "stable"})
        self.assertIn(sites["scenic"]["occupancyTrend"], trends)
        self.assertIn(sites["shut"]["occupancyTrend"], trends)
        self.assertNotIn("occupancyTrend", sites["fresh"])

    def test_little_history_is_insufficient(self):
        document = self.shared.get("/v1/lots/fresh/forecast").json()
        self.assertEqual(document["basis"], "insufficient")
        self.assertEqual(document["points"], [])
        self.assertEqual(document["usual_today"], [])
        self.assertEqual(document["days_known"], 0)

    def assertRefused(self, path, field, rule_part):
        document = self.assertProblem(self.shared.get(path), 422, "validation")
        self.assertEqual(document["errors"][0]["field"], field, document)
        self.assertIn(rule_part, document["errors"][0]["rule"])

    def test_bad_queries_are_named(self):
        now = datetime.datetime.now(ZONE)

        def at(delta):
            return urllib.parse.quote((now + delta).isoformat(timespec="seconds"))

        self.assertRefused("/v1/lots/scenic/forecast?step=1d", "step", "must be 5m or 1h")
        self.assertRefused(f"/v1/lots/scenic/forecast?to={at(datetime.timedelta(days=8))}", "to",
                           "at most 7 days ahead")
        self.assertRefused(f"/v1/lots/scenic/forecast?from={at(datetime.timedelta(hours=5))}"
                           f"&to={at(datetime.timedelta(hours=2))}", "from", "must not be after to")
        self.assertRefused(f"/v1/lots/scenic/forecast?from={at(-datetime.timedelta(days=1))}",
                           "from", "must not be in the past")
        self.assertRefused("/v1/lots/scenic/forecast?when=now", "when", "unknown query parameter")
        self.assertEqual(self.shared.get("/v1/lots/nowhere/forecast").status, 404)
        self.assertEqual(self.shared.get("/v1/lots/scenic/forecast/eval").status, 401)


if __name__ == "__main__":
    main()
