#!/usr/bin/env python3
"""Count history: every count change folded into 5-minute buckets (time-weighted mean, min, max,
last) by the occupancy step; GET /v1/lots/{id}/history and /v1/groups/{id}/history in 5m, 1h
and 1d steps, JSON or CSV; POST /v1/lots/{id}/history (admin) imports past samples, validated
and idempotent; every bad input is a 422 naming the problem and stores nothing."""

import datetime
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DaemonTestCase, main, sample_lot, wait_for  # noqa: E402

UTC = datetime.timezone.utc


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def fold(records, has_old, old, previous_s, new, now_s):
    """The fold as docs/forecast.md states it, on {bucket: [sum, covered, min, max, last]}."""
    bucket = now_s // 300
    start = bucket * 300
    if not has_old:
        old, previous_s = new, start
    previous_s = min(previous_s, now_s)
    previous = previous_s // 300
    if previous == bucket and bucket in records:
        records[bucket][0] += old * (now_s - previous_s)
        records[bucket][1] = now_s - start
    else:
        if previous < bucket and previous in records:
            records[previous][0] += old * ((previous + 1) * 300 - previous_s)
            records[previous][1] = 300
        edge = old if now_s > start else new
        records[bucket] = [old * (now_s - start), now_s - start, edge, edge, edge]
    records[bucket][2] = min(records[bucket][2], new)
    records[bucket][3] = max(records[bucket][3], new)
    records[bucket][4] = new


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class HistoryTest(DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lot_id, capacity in [("hist-a", 100), ("hist-b", 50), ("hist-live", 40),
                                 ("hist-full", 500)]:
            body = sample_lot(capacity=capacity, groups=["hist-group"], hours=None)
            assert cls.shared.put_lot(lot_id, body).status == 201
        # Three days ago, on the hour: 10 cars, 30 from minute 10, 20 from minute 62.
        now = datetime.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        cls.base = now - datetime.timedelta(days=3)
        minute = datetime.timedelta(minutes=1)
        cls.samples = [{"time": stamp(cls.base), "occupied": 10},
                       {"time": stamp(cls.base + 10 * minute), "occupied": 30},
                       {"time": stamp(cls.base + 62 * minute), "occupied": 20}]

    def history(self, path, start, end, step, extra=""):
        query = urllib.parse.urlencode({"from": stamp(start), "to": stamp(end), "step": step})
        return self.shared.get(f"{path}?{query}{extra}")

    def import_samples(self, lot_id, samples):
        return self.shared.as_admin("POST", f"/v1/lots/{lot_id}/history", samples)

    def digest(self, key):
        return self.shared.redis_cli("EVAL", "return redis.sha1hex(redis.call('GET', KEYS[1]))",
                                     "1", key)

    def day_key(self, lot_id, moment):
        return f"ps:hist:{lot_id}:{int(moment.timestamp()) // 86400}"

    def test_import_is_read_back_in_steps_and_is_idempotent(self):
        response = self.import_samples("hist-a", self.samples)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["imported"], 3)
        stored = self.digest(self.day_key("hist-a", self.base))
        again = self.import_samples("hist-a", self.samples)
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(self.digest(self.day_key("hist-a", self.base)), stored)

        hour = datetime.timedelta(hours=1)
        points = self.history("/v1/lots/hist-a/history", self.base - hour,
                              self.base + 2 * hour - datetime.timedelta(seconds=1), "5m").json()
        self.assertEqual(points["capacity"], 100)
        by_time = {instant(p["time"]): p for p in points["points"]}
        minute = datetime.timedelta(minutes=1)
        self.assertEqual(len(points["points"]), 36)
        self.assertIsNone(by_time[self.base - 5 * minute]["mean"])  # before any count
        self.assertEqual(by_time[self.base], {"time": by_time[self.base]["time"], "mean": 10.0,
                                              "min": 10, "max": 10, "last": 10})
        self.assertEqual(by_time[self.base + 5 * minute]["last"], 10)  # carried forward
        self.assertEqual([by_time[self.base + 10 * minute][k] for k in ("mean", "min", "max")],
                         [30.0, 30, 30])
        self.assertEqual(by_time[self.base + 55 * minute]["mean"], 30.0)
        # 2 minutes at 30 and 3 at 20: the time-weighted mean is 24.
        self.assertEqual([by_time[self.base + 60 * minute][k] for k in ("mean", "min", "max",
                                                                         "last")],
                         [24.0, 20, 30, 20])
        hourly = self.history("/v1/lots/hist-a/history", self.base,
                              self.base + 2 * hour - datetime.timedelta(seconds=1), "1h").json()
        self.assertEqual([(p["mean"], p["min"], p["max"], p["last"]) for p in hourly["points"]],
                         [(26.67, 10, 30, 30), (20.33, 20, 30, 20)])

    def test_the_script_folds_as_documented(self):
        # Writes spaced so that they fall in one bucket or in two; the audit stream says when
        # each one happened (its id is Redis' clock), so the bytes can be predicted exactly.
        for body in ({"occupied": 4}, {"occupied": 9}, {"delta": -2}, {"occupied": 30}):
            self.assertEqual(self.shared.post_occupancy("hist-b", body).status, 200)
            time.sleep(0.7)
        records = {}
        stream = self.shared.redis_cli("EVAL", "local out = {} for _, e in ipairs(redis.call("
                                       "'XRANGE', KEYS[1], '-', '+')) do local f = e[2] "
                                       "if f[2] == ARGV[1] then for i = 1, #f, 2 do "
                                       "if f[i] == 'new' and f[i + 1] ~= '' then "
                                       "out[#out + 1] = e[1] .. ' ' .. f[i + 1] end end end end "
                                       "return table.concat(out, ',')", "1", "ps:audit", "hist-b")
        changes = [(int(item.split("-")[0]) // 1000, int(item.split(" ")[1]))
                   for item in stream.split(",") if item]
        self.assertEqual([count for _, count in changes][-4:], [4, 9, 7, 30])
        previous = None
        for at, count in changes:
            fold(records, previous is not None, previous[1] if previous else 0,
                 previous[0] if previous else 0, count, at)
            previous = (at, count)
        for bucket, record in records.items():
            day, offset = bucket // 288, (bucket % 288) * 18
            stored = self.shared.redis_cli(
                "EVAL", "local b = redis.call('GETRANGE', KEYS[1], ARGV[1], ARGV[1] + 17) "
                "return {struct.unpack('<I4I2I4I4I4', b)}", "1", f"ps:hist:hist-b:{day}",
                str(offset)).split("\n")[:5]
            self.assertEqual([int(v) for v in stored], record[:4] + [record[4] + 1], bucket)

    def test_csv(self):
        self.assertEqual(self.import_samples("hist-a", self.samples).status, 200)
        hour = datetime.timedelta(hours=1)
        response = self.history("/v1/lots/hist-a/history", self.base,
                                self.base + 2 * hour - datetime.timedelta(seconds=1), "1h",
                                "&format=csv")
        self.assertEqual(response.status, 200)
        self.assertEqual(response.header("Content-Type"), "text/csv; charset=utf-8")
        lines = response.body.decode().split("\r\n")
        self.assertEqual(lines[0], "time,mean,min,max,last")
        self.assertTrue(lines[1].endswith(",26.67,10,30,30"), lines[1])
        self.assertTrue(lines[2].endswith(",20.33,20,30,20"), lines[2])

    def test_live_writes_are_folded(self):
        self.assertEqual(self.shared.post_occupancy("hist-live", {"occupied": 5}).status, 200)
        self.assertEqual(self.shared.post_occupancy("hist-live", {"occupied": 12}).status, 200)
        self.assertEqual(self.shared.post_occupancy("hist-live", {"delta": -3}).status, 200)
        now = datetime.datetime.now(UTC)
        points = self.history("/v1/lots/hist-live/history", now - datetime.timedelta(minutes=1),
                              now, "5m").json()["points"]
        last = [p for p in points if p["last"] is not None][-1]
        self.assertEqual(last["last"], 9)
        self.assertEqual(last["max"], 12)
        self.assertLessEqual(last["min"], 9)
        self.assertTrue(5 <= last["mean"] <= 12, last)

    def test_group_sums_its_lots(self):
        self.assertEqual(self.import_samples("hist-a", self.samples).status, 200)
        self.assertEqual(self.import_samples(
            "hist-b", [{"time": stamp(self.base), "occupied": 7}]).status, 200)
        hour = datetime.timedelta(hours=1)
        document = self.history("/v1/groups/hist-group/history", self.base + hour,
                                self.base + 2 * hour - datetime.timedelta(seconds=1),
                                "1h").json()
        self.assertEqual(document["capacity"], 100 + 50 + 40 + 500)
        # hist-live and hist-full have no count three days ago: the sum is not known.
        self.assertIsNone(document["points"][0]["mean"])
        self.assertEqual(self.shared.get("/v1/groups/no-such-group/history").status, 404)

    def assertRefused(self, response, field, rule_part):
        document = self.assertProblem(response, 422, "validation")
        self.assertEqual(document["errors"][0]["field"], field, document)
        self.assertIn(rule_part, document["errors"][0]["rule"])

    def test_bad_queries_are_named(self):
        now = datetime.datetime.now(UTC)
        day = datetime.timedelta(days=1)
        self.assertRefused(self.history("/v1/lots/hist-a/history", now, now - day, "5m"),
                           "from", "must not be after to")
        self.assertRefused(self.history("/v1/lots/hist-a/history", now - 40 * day, now, "5m"),
                           "step", "more than 10000 points")
        self.assertRefused(self.history("/v1/lots/hist-a/history", now - day, now, "2m"),
                           "step", "must be 5m, 1h or 1d")
        self.assertRefused(self.shared.get("/v1/lots/hist-a/history?from=yesterday"),
                           "from", "RFC 3339")
        self.assertRefused(self.shared.get("/v1/lots/hist-a/history?format=xml"),
                           "format", "json or csv")
        self.assertEqual(self.shared.get("/v1/lots/no-such-lot/history").status, 404)

    def test_bad_imports_store_nothing(self):
        day = datetime.datetime.now(UTC) - datetime.timedelta(days=10)
        key = self.day_key("hist-b", day)
        later = stamp(day + datetime.timedelta(minutes=5))
        self.assertRefused(self.import_samples("hist-b", [{"time": later, "occupied": 1},
                                                          {"time": stamp(day), "occupied": 2}]),
                           "samples", "[1].time must be after [0].time")
        self.assertRefused(self.import_samples("hist-b", [{"time": stamp(day), "occupied": 1},
                                                          {"time": later, "occupied": 51}]),
                           "samples", "[1].occupied must be an integer from 0 to the capacity 50")
        self.assertRefused(self.import_samples("hist-b", []), "samples", "must be an array")
        future = stamp(datetime.datetime.now(UTC) + datetime.timedelta(hours=1))
        self.assertRefused(self.import_samples("hist-b", [{"time": future, "occupied": 1}]),
                           "samples", "in the future")
        self.assertEqual(self.shared.redis_cli("EXISTS", key), "0")
        response = self.shared.request("POST", "/v1/lots/hist-b/history",
                                       [{"time": stamp(day), "occupied": 1}])
        self.assertEqual(response.status, 401)
        self.assertEqual(self.shared.redis_cli("EXISTS", key), "0")

    def test_a_day_of_changes_every_five_minutes_is_bounded(self):
        # The worst case for storage: a change in every bucket of a UTC day.
        start = datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start -= datetime.timedelta(days=5)
        samples = [{"time": stamp(start + datetime.timedelta(seconds=150 + 300 * i)),
                    "occupied": 100 + (i * 37) % 300} for i in range(288)]
        self.assertEqual(self.import_samples("hist-full", samples).status, 200)
        key = self.day_key("hist-full", start)
        self.assertEqual(self.shared.redis_cli("STRLEN", key), str(288 * 18))
        usage = int(self.shared.redis_cli("MEMORY", "USAGE", key))
        ttl = int(self.shared.redis_cli("TTL", key))
        print(f"bytes of Redis memory per lot-day, full day: {usage}", file=sys.stderr)
        self.assertLessEqual(usage, 6400)  # 5184 bytes in a 6 KiB allocation
        # Expires history_days (400) after the day's end; the day began 5 days ago.
        self.assertTrue(395 * 86400 < ttl <= 396 * 86400, ttl)


if __name__ == "__main__":
    main()
