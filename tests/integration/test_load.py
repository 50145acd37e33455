#!/usr/bin/env python3
"""The snapshot load of a large city: every lot whole and exact, and a bounded memory per lot."""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IntegrationTestCase, main, sanitized_build, wait_for  # noqa: E402

NOW_MS = int(time.time() * 1000)


def resp(*words):
    """One Redis command in the protocol redis-cli --pipe reads."""
    parts = [b"*%d\r\n" % len(words)]
    for word in words:
        data = word if isinstance(word, bytes) else str(word).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def canonical(document):
    """A lot's static fields as the daemon stores them: compact, in order, UTF-8."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def plain_lot(index):
    # Binary fractions print the same in Python and in jansson (%.17g).
    return {"name": f"Load lot {index}", "kind": "public", "groups": ["load"],
            "location": {"lat": 26 + index / 16384, "lon": 106 + index / 8192},
            "capacity": 100}


def resident_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+) kB", status.read()).group(1)) * 1024


class LoadTest(IntegrationTestCase):
    def fill(self, redis, commands):
        """Write commands into redis in one pipe."""
        result = subprocess.run(["redis-cli", "-s", redis.socket_path, "--pipe"],
                                input=b"".join(commands), capture_output=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(b"errors: 0", result.stdout)

    def plain_lots(self, count):
        commands = []
        for index in range(count):
            lot_id = f"load-{index:05d}"
            commands.append(resp("SADD", "ps:lots", lot_id))
            commands.append(resp("HSET", f"ps:lot:{lot_id}", "json", canonical(plain_lot(index)),
                                 "capacity", 100, "version", 3, "occupied", index % 101,
                                 "updated_at", NOW_MS - 1000))
        return commands

    def all_ids(self, daemon):
        ids, path = [], "/v1/lots?limit=500"
        while True:
            page = daemon.get(path).json()
            ids += [lot["id"] for lot in page["lots"]]
            if page["next_cursor"] is None:
                return ids
            path = f"/v1/lots?limit=500&cursor={page['next_cursor']}"

    def test_a_city_of_5000_lots_loads_whole_and_exact(self):
        """More lots than the load keeps in flight at once; odd records among them."""
        redis = self.redis()
        commands = self.plain_lots(5000)
        charging = dict(plain_lot(1), spaces={"charging": {"capacity": 6}})
        commands.append(resp("HSET", "ps:lot:load-00001", "json", canonical(charging),
                             "space:charging", 2, "space:charging:updated_at", NOW_MS - 2000))
        closure = {"id": "1", "from": NOW_MS - 60000, "to": NOW_MS + 3600000,
                   "reason": "Resurfacing"}
        commands.append(resp("HSET", "ps:lot:load-00002", "closures", json.dumps([closure])))
        # Written by hand (spaces, a short real, escapes): shown as jansson prints it.
        commands.append(resp("HSET", "ps:lot:load-00003", "json",
                             '{ "name": "Caf\\u00e9 \\/ 3", "kind": "public", "groups": [],'
                             ' "location": {"lat": 26.12, "lon": 106.5}, "capacity": 100 }'))
        commands.append(resp("SADD", "ps:lots", "load-gone", "load-broken"))
        commands.append(resp("HSET", "ps:lot:load-broken", "json", "{not json", "version", 1))
        self.fill(redis, commands)

        daemon = self.daemon(settings={"redis": redis.url()}).start()
        wait_for(lambda: "loaded 5000 lot(s)" in daemon.log_text(), timeout=60,
                 what="the load of 5000 lots")
        self.assertIn("1 stored lot(s) could not be read", daemon.log_text())
        self.assertEqual(self.all_ids(daemon), [f"load-{i:05d}" for i in range(5000)])

        last = daemon.get("/v1/lots/load-04999").json()
        self.assertEqual((last["occupied"], last["free"], last["version"], last["state"]),
                         (4999 % 101, 100 - 4999 % 101, 3, "open"))
        self.assertEqual((last["location"]["lat"], last["groups"]), (26 + 4999 / 16384, ["load"]))
        spaces = daemon.get("/v1/lots/load-00001").json()["spaces"]
        self.assertEqual((spaces["charging"]["capacity"], spaces["charging"]["occupied"],
                          spaces["charging"]["free"]), (6, 2, 4))
        closed = daemon.get("/v1/lots/load-00002").json()
        self.assertEqual((closed["state"], closed["closure"]["id"], closed["closure"]["reason"]),
                         ("closed", "1", "Resurfacing"))
        by_hand = daemon.get("/v1/lots/load-00003").body.decode()
        self.assertTrue(by_hand.startswith(
            '{"id":"load-00003","name":"Café / 3","kind":"public","groups":[],'
            '"location":{"lat":26.120000000000001,"lon":106.5},"capacity":100,'), by_hand)
        # Near answers splice the same bodies, distance last.
        near = daemon.get("/v1/lots?near=26.00006,106.00012&radius=5&limit=1").body.decode()
        self.assertEqual(near, '{"lots":[' + daemon.get("/v1/lots/load-00001").body.decode()[:-1]
                         + ',"distance_m":0}],"next_cursor":null}')

    def test_memory_per_lot_is_bounded(self):
        """20,000 lots cost the daemon under 2,000 bytes each (a jansson tree each was 3,600)."""
        if sanitized_build():
            self.skipTest("a sanitized build's memory says nothing of the daemon's")
        empty, filled = self.redis(), self.redis()
        self.fill(filled, self.plain_lots(20000))
        bare = self.daemon(settings={"redis": empty.url()}).start()
        loaded = self.daemon(settings={"redis": filled.url()}).start()
        wait_for(lambda: "loaded 20000 lot(s)" in loaded.log_text(), timeout=60,
                 what="the load of 20000 lots")
        per_lot = (resident_bytes(loaded.process.pid) - resident_bytes(bare.process.pid)) / 20000
        self.assertLess(per_lot, 2000, f"{per_lot:.0f} bytes a lot")
        print(f"daemon memory: {per_lot:.0f} bytes a lot", file=sys.stderr)


if __name__ == "__main__":
    main()
