#!/usr/bin/env python3
"""Count history: every count change folded into 5-minute buckets (time-weighted mean, min, max,
last) by the occupancy step, per lot and per group (the group's own sum); stored sparsely (a
record per bucket that changed), measured in bytes of Redis memory per lot-day; GET /v1/lots/{id}/history and /v1/groups/{id}/history in 5m, 1h
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

    # A day's records: those in the lot's hash of days, then in the day being written (its
    # day number, then its records), then its latest bucket's (text in the lot's hash, "day
    # bucket sum covered min max last") when they are of that day.
    DAY_RECORDS = ("local d = redis.call('HGET', KEYS[2], ARGV[1]) or '' "
                   "local o = redis.call('GET', KEYS[3]) "
                   "if o and struct.unpack('<I4', o) == tonumber(ARGV[1]) then "
                   "d = d .. string.sub(o, 5) end "
                   "local t = redis.call('HGET', KEYS[1], 'hist') if t then local v = {} "
                   "for n in string.gmatch(t, '%d+') do v[#v + 1] = tonumber(n) end "
                   "if v[1] == tonumber(ARGV[1]) then d = d .. struct.pack('<I2I4I2I3I3I3', "
                   "v[2], v[3], v[4], v[5], v[6], v[7]) end end return d")

    @staticmethod
    def lot_keys(lot_id):
        return (f"ps:lot:{lot_id}", f"ps:hist:{lot_id}:d", f"ps:hist:{lot_id}:t")

    def day_of(self, moment):
        return int(moment.timestamp()) // 86400

    def digest(self, lot_id, moment):
        return self.shared.redis_cli(
            "EVAL", "local f = function() " + self.DAY_RECORDS + " end "
            "return redis.sha1hex(f() or '')", "3", *self.lot_keys(lot_id),
            str(self.day_of(moment)))

    def records(self, keys, day):
        """{bucket: [sum, covered, min, max, last]} of a day of an owner's history."""
        text = self.shared.redis_cli(
            "EVAL", "local f = function() " + self.DAY_RECORDS + " end "
            "local d, out = f() or '', {} "
            "for at = 1, #d, 17 do local r = {struct.unpack('<I2I4I2I3I3I3', d, at)} "
            "out[#out + 1] = table.concat(r, ' ', 1, 6) end return table.concat(out, ',')",
            "3", *keys, str(day))
        found = {}
        for item in filter(None, text.split(",")):
            values = [int(v) for v in item.split(" ")]
            found[day * 288 + values[0]] = values[1:]
        return found

    def test_import_is_read_back_in_steps_and_is_idempotent(self):
        response = self.import_samples("hist-a", self.samples)
        self.assertEqual(response.status, 200, response.body)
        self.assertEqual(response.json()["imported"], 3)
        stored = self.digest("hist-a", self.base)
        self.assertNotEqual(stored, self.digest("hist-a", self.base - datetime.timedelta(days=1)))
        again = self.import_samples("hist-a", self.samples)
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(self.digest("hist-a", self.base), stored)

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
        days = {bucket // 288 for bucket in records}
        stored = {}
        for day in days:
            stored.update(self.records(self.lot_keys("hist-b"), day))
        self.assertEqual(stored, records)

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

    def test_a_group_keeps_its_own_extremes(self):
        # Two lots of one group move in opposite directions within one bucket. The group's
        # sum goes 10, 40, 20, 40: its own minimum and maximum, where summing the lots'
        # extremes (10 + 10, 30 + 30) would say 20 and 60, a total the group never had.
        for lot_id in ("pair-x", "pair-y"):
            body = sample_lot(capacity=50, groups=["hist-pair"], hours=None)
            self.assertEqual(self.shared.put_lot(lot_id, body).status, 201)
        if time.time() % 300 > 280:  # the four writes must share a bucket
            time.sleep(300 - time.time() % 300 + 0.2)
        for lot_id, count in (("pair-x", 10), ("pair-y", 30), ("pair-y", 10), ("pair-x", 30)):
            self.assertEqual(self.shared.post_occupancy(lot_id, {"occupied": count}).status, 200)
        now = datetime.datetime.now(UTC)
        document = self.history("/v1/groups/hist-pair/history",
                                now - datetime.timedelta(seconds=1), now, "5m").json()
        self.assertEqual(document["capacity"], 100)
        point = document["points"][-1]
        self.assertEqual((point["min"], point["max"], point["last"]), (10, 40, 40), point)
        self.assertTrue(10 <= point["mean"] <= 40, point)
        lots = [self.history(f"/v1/lots/{lot_id}/history", now - datetime.timedelta(seconds=1),
                             now, "5m").json()["points"][-1] for lot_id in ("pair-x", "pair-y")]
        self.assertEqual((lots[0]["min"] + lots[1]["min"], lots[0]["max"] + lots[1]["max"]),
                         (20, 60))
        # The group's sum is kept exactly by lot: a lot that leaves takes its count with it.
        self.assertEqual(self.shared.redis_cli("HGET", "ps:ghist:hist-pair", "*"), "40")
        body = sample_lot(capacity=50, groups=[], hours=None)
        self.assertEqual(self.shared.put_lot("pair-y", body).status, 200)
        self.assertEqual(self.shared.redis_cli("HGET", "ps:ghist:hist-pair", "*"), "30")
        self.assertEqual(self.shared.post_occupancy("pair-x", {"occupied": 25}).status, 200)
        now = datetime.datetime.now(UTC)
        point = self.history("/v1/groups/hist-pair/history", now - datetime.timedelta(seconds=1),
                             now, "5m").json()["points"][-1]
        self.assertEqual(point["last"], 25)
        self.assertEqual(self.shared.get("/v1/groups/no-such-group/history").status, 404)

    def test_a_deleted_lot_leaves_its_groups_sum(self):
        body = sample_lot(capacity=20, groups=["hist-gone"], hours=None)
        for lot_id in ("gone-x", "gone-y"):
            self.assertEqual(self.shared.put_lot(lot_id, body).status, 201)
            self.assertEqual(self.shared.post_occupancy(lot_id, {"occupied": 6}).status, 200)
        self.assertEqual(self.shared.redis_cli("HGET", "ps:ghist:hist-gone", "*"), "12")
        self.assertEqual(self.shared.as_admin("DELETE", "/v1/lots/gone-y").status, 204)
        self.assertEqual(self.shared.redis_cli("HGET", "ps:ghist:hist-gone", "*"), "6")
        self.assertEqual(self.shared.redis_cli("HEXISTS", "ps:ghist:hist-gone", "gone-y"), "0")

    def test_a_large_group_forecasts_from_its_own_history(self):
        # 33 lots: more than a forecast summed from the lots takes (32). Without history of
        # its own such a group is refused, naming id; with 20 days of its own buckets (here
        # the group's count is 100 + the UTC hour on every day) it is forecast from them.
        for group in ("hist-big", "hist-big-new"):
            for index in range(33):
                body = sample_lot(capacity=10, groups=[group], hours=None)
                self.assertEqual(self.shared.put_lot(f"{group}-{index:02d}", body).status, 201)
        self.assertRefused(self.shared.get("/v1/groups/hist-big-new/forecast"), "id",
                           "until the group has 14 days of its own history")
        today = self.day_of(datetime.datetime.now(UTC))
        self.shared.redis_cli(
            "EVAL", "for d = tonumber(ARGV[1]) - 20, tonumber(ARGV[1]) - 1 do local parts = {} "
            "for h = 0, 23 do local c = 100 + h parts[#parts + 1] = struct.pack("
            "'<I2I4I2I3I3I3', h * 12, c * 300, 300, c, c, c) end "
            "redis.call('HSET', KEYS[1], d, table.concat(parts)) end", "1",
            "ps:ghist:hist-big:d", str(today))
        document = self.shared.get("/v1/groups/hist-big/forecast?step=1h").json()
        self.assertEqual((document["basis"], document["lots"], document["capacity"]),
                         ("calendar", 33, 330), document)
        self.assertEqual(len(document["points"]), 25)
        for point in document["points"]:
            hour = instant(point["time"]).astimezone(UTC).hour
            self.assertEqual(point["free"], 330 - 100 - hour, point)

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
        day_records = lambda: self.records(self.lot_keys("hist-b"),
                                           self.day_of(day))  # noqa: E731
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
        self.assertEqual(day_records(), {})
        response = self.shared.request("POST", "/v1/lots/hist-b/history",
                                       [{"time": stamp(day), "occupied": 1}])
        self.assertEqual(response.status, 401)
        self.assertEqual(day_records(), {})

    def lot_day_bytes(self, lot_id, samples_of_day, days, ago=0):
        """Redis memory per lot-day of a new lot given days of the same pattern, imported."""
        self.assertEqual(self.shared.put_lot(lot_id, sample_lot(capacity=500, hours=None)).status,
                         201)
        lot_before = int(self.shared.redis_cli("MEMORY", "USAGE", f"ps:lot:{lot_id}"))
        start = datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start -= datetime.timedelta(days=days + ago)
        samples = [{"time": stamp(start + datetime.timedelta(days=d, seconds=s)), "occupied": c}
                   for d in range(days) for s, c in samples_of_day]
        self.assertEqual(self.import_samples(lot_id, samples).status, 200)
        finished = int(self.shared.redis_cli("MEMORY", "USAGE", f"ps:hist:{lot_id}:d",
                                             "SAMPLES", "0"))
        latest = int(self.shared.redis_cli("MEMORY", "USAGE", f"ps:lot:{lot_id}")) - lot_before
        self.assertEqual(self.shared.redis_cli("HLEN", f"ps:hist:{lot_id}:d"), str(days))
        ttl = int(self.shared.redis_cli("TTL", f"ps:hist:{lot_id}:d"))
        # Kept history_days (400) after the end of its latest day: the hash goes when the
        # lot stops; days past retention leave it as later days come.
        self.assertTrue((399 - ago) * 86400 < ttl <= (400 - ago) * 86400, ttl)
        return (finished + latest) / days

    def test_a_quiet_lot_day_and_a_busy_lot_day_are_bounded(self):
        # Quiet: one count a day, at noon. Busy: a count every minute, so every bucket of
        # every day has a record (the worst case: a record is kept per bucket, not per write).
        quiet = self.lot_day_bytes("hist-quiet", [(43200, 7)], 30)
        busy = self.lot_day_bytes("hist-busy", [(60 * m + 30, 100 + (m * 37) % 300)
                                                for m in range(1440)], 8)
        # Past the 35 days of detail, a busy day is 24 hourly records.
        busy_old = self.lot_day_bytes("hist-busy-old", [(60 * m + 30, 100 + (m * 37) % 300)
                                                        for m in range(1440)], 8, ago=40)
        print(f"bytes of Redis memory per lot-day: quiet {quiet:.0f}, busy {busy:.0f}, "
              f"busy past 35 days {busy_old:.0f}", file=sys.stderr)
        self.assertLessEqual(busy_old, 24 * 17 + 64)  # and the field, the key shared by 8
        self.assertLessEqual(quiet, 40)  # a 17-byte record and its field, in a listpack
        # 4,896 bytes of records, in allocations rounded up by at most a quarter
        self.assertLessEqual(busy, 288 * 17 * 5 // 4)
        # A lot's first count costs its latest bucket as text in the lot's hash (e.g.
        # "20422 144 600 60 3 3 3"), not the bytes before an offset, and no key of its own.
        self.assertEqual(self.shared.put_lot("hist-first", sample_lot(capacity=500,
                                                                      hours=None)).status, 201)
        self.assertEqual(self.shared.post_occupancy("hist-first", {"occupied": 3}).status, 200)
        self.assertLessEqual(int(self.shared.redis_cli("HSTRLEN", "ps:lot:hist-first", "hist")),
                             5 + 1 + 3 + 1 + 6 + 1 + 3 + 3 * 2)
        with_history = int(self.shared.redis_cli("MEMORY", "USAGE", "ps:lot:hist-first"))
        self.shared.redis_cli("HDEL", "ps:lot:hist-first", "hist")
        without = int(self.shared.redis_cli("MEMORY", "USAGE", "ps:lot:hist-first"))
        print(f"bytes of Redis memory for a lot's first count of a day: {with_history - without}",
              file=sys.stderr)
        # About 29 bytes in the listpack, which jemalloc rounds up in steps of 64 bytes here
        self.assertLessEqual(with_history - without, 64)
        self.assertEqual(self.shared.redis_cli("KEYS", "ps:hist:hist-first*"), "")

    def hours(self, lot_id, start):
        end = start + datetime.timedelta(days=1) - datetime.timedelta(seconds=1)
        return [[{k: v for k, v in point.items() if k != "time"} for point in
                 self.history(f"/v1/lots/{lot_id}/history", start, end, step).json()["points"]]
                for step in ("1h", "1d")]

    def assertSameHours(self, first, second):
        for one, other in zip(first[0] + first[1], second[0] + second[1]):
            self.assertEqual({k: one[k] for k in ("min", "max", "last")},
                             {k: other[k] for k in ("min", "max", "last")})
            if one["mean"] is None:
                self.assertIsNone(other["mean"])
            else:
                self.assertAlmostEqual(one["mean"], other["mean"], delta=0.011)

    def test_days_past_the_detail_are_hourly_and_read_the_same(self):
        # A busy day (a count every minute from 01:30:20, every bucket a record from then)
        # 20 days ago is kept in 5-minute records; the same day 40 days ago, past the 35 days
        # of detail, in hourly ones: 23 records instead of 270, read the same by the hour.
        self.assertEqual(self.shared.put_lot("hist-old", sample_lot(capacity=500,
                                                                    hours=None)).status, 201)
        midnight = datetime.datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        recent, old = (midnight - datetime.timedelta(days=n) for n in (20, 40))
        pattern = [(datetime.timedelta(minutes=m, seconds=20),
                    100 + (m * 37) % 300 if m % 180 < 170 else 0) for m in range(90, 1440)]
        for start in (recent, old):
            samples = [{"time": stamp(start + at), "occupied": count} for at, count in pattern]
            self.assertEqual(self.import_samples("hist-old", samples).status, 200)
        days = "ps:hist:hist-old:d"
        self.assertEqual(self.shared.redis_cli("HSTRLEN", days, str(self.day_of(recent))),
                         str((288 - 18) * 17))
        self.assertEqual(self.shared.redis_cli("HSTRLEN", days, str(self.day_of(old))),
                         str(23 * 17))  # hours 1 to 23: no count is known before 01:30:20
        self.assertSameHours(self.hours("hist-old", recent), self.hours("hist-old", old))
        imported = self.digest("hist-old", old)
        samples = [{"time": stamp(old + at), "occupied": count} for at, count in pattern]
        self.assertEqual(self.import_samples("hist-old", samples).status, 200)
        self.assertEqual(self.digest("hist-old", old), imported)  # idempotent, hourly too

        # The occupancy step makes a day hourly the same way, to the byte: give the old day
        # the recent day's 5-minute records, as if it had been written live then.
        self.shared.redis_cli("EVAL", "return redis.call('HSET', KEYS[1], ARGV[2], "
                              "redis.call('HGET', KEYS[1], ARGV[1]))", "1", days,
                              str(self.day_of(recent)), str(self.day_of(old)))
        self.assertEqual(self.shared.redis_cli("HSTRLEN", days, str(self.day_of(old))),
                         str(270 * 17))
        # The lot's latest bucket was yesterday: its next count finishes it into a new day
        # of its history, and that (once a day) makes days 36 to 65 days old hourly.
        yesterday = self.day_of(datetime.datetime.now(UTC)) - 1
        self.shared.redis_cli("HSET", "ps:lot:hist-old", "hist", f"{yesterday} 100 0 0 5 5 5")
        self.assertEqual(self.shared.post_occupancy("hist-old", {"occupied": 6}).status, 200)
        self.assertEqual(self.digest("hist-old", old), imported)
        self.assertEqual(self.shared.redis_cli("HSTRLEN", days, str(self.day_of(recent))),
                         str(270 * 17))  # within the detail: unchanged
        # Yesterday's bucket, finished, is in the day being written.
        self.assertEqual(self.records(self.lot_keys("hist-old"), yesterday),
                         {yesterday * 288 + 100: [5 * 300, 300, 5, 5, 5]})
        self.assertEqual(self.shared.redis_cli("STRLEN", "ps:hist:hist-old:t"), str(4 + 17))
        # A finished bucket of a later day moves the day being written into the days hash.
        if time.time() % 86400 < 300:  # the forced bucket below must be before now's
            time.sleep(301 - time.time() % 86400)
        today = self.day_of(datetime.datetime.now(UTC))
        self.shared.redis_cli("HSET", "ps:lot:hist-old", "hist", f"{today} 0 0 0 6 6 6")
        self.assertEqual(self.shared.post_occupancy("hist-old", {"occupied": 8}).status, 200)
        self.assertEqual(self.records(self.lot_keys("hist-old"), yesterday),
                         {yesterday * 288 + 100: [5 * 300, 300, 5, 5, 5]})
        self.assertEqual(self.shared.redis_cli("HSTRLEN", days, str(yesterday)), "17")
        # (kept as it was: the lot's own last change, which the fold goes by, is later)
        self.assertEqual(self.records(self.lot_keys("hist-old"), today)[today * 288],
                         [0, 0, 6, 6, 6])
        self.assertEqual(self.shared.redis_cli("STRLEN", "ps:hist:hist-old:t"), str(4 + 17))
        # Each day is looked at once: "c" is the last day looked at.
        self.assertEqual(self.shared.redis_cli("HGET", days, "c"), str(yesterday + 1 - 36))
        # A quiet old day (at most 24 records) stays in 5-minute records: exact, no larger.
        quiet = old - datetime.timedelta(days=5)
        self.assertEqual(self.import_samples("hist-old", [
            {"time": stamp(quiet + datetime.timedelta(hours=12)), "occupied": 7}]).status, 200)
        self.assertEqual(self.shared.redis_cli("HSTRLEN", days, str(self.day_of(quiet))), "17")

if __name__ == "__main__":
    main()
