#!/usr/bin/env python3
"""history_cost.py: what count history costs, before and after, side by side in one run.

usage: python3 tools/history_cost.py BEFORE_BUILD [REV]

memory  For each build (BEFORE_BUILD, then build/), a daemon with its embedded
        Redis: INFO memory's used_memory before and after
          - 5,000 new lots, then a first count for each (the 100,000-lot fill's steps),
          - 30 days of one count a day (noon) imported for 1,000 lots (quiet),
          - 8 days of a count every minute imported for 50 lots (busy), and the same
            for 50 lots 40 days ago (busy, past the 35 days of detail),
        reported as bytes per lot or per lot-day (the first counts' time of day
        matters before: the old layout's first count grew with it).
writes  occupancy.lua as it was at REV (default main) and as it is now, on one
        private Redis (append-only, fsync always, as the embedded one), under
        redis-benchmark, alternately, three rounds: microseconds of Redis time
        per write from INFO commandstats, as tools/profile-occupancy.py measures
        it; now also with the lot in one group and in three groups.
It reports; it never fails.
"""

import hashlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

TOKEN = "history-cost-token"
ROUNDS = 3


def used_memory(daemon):
    socket_path = os.path.join(daemon.data_dir, "redis.sock")
    output = subprocess.run(["redis-cli", "-s", socket_path, "INFO", "memory"],
                            capture_output=True, text=True, check=True).stdout
    return int(re.search(r"used_memory:(\d+)", output).group(1))


class Client:
    def __init__(self, daemon):
        self.connection = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=120)
        token = daemon.admin_token()
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(self, method, path, body):
        self.connection.request(method, path, json.dumps(body), self.headers)
        answer = self.connection.getresponse()
        answer.read()
        if answer.status not in (200, 201):
            raise RuntimeError(f"{method} {path}: {answer.status}")


def stamp(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def import_days(client, lots, prefix, days, ago, samples_of_day):
    """Put lots and import days of samples_of_day [(second of day, count)] for each."""
    midnight = int(time.time()) // 86400 * 86400
    first = midnight - (days + ago) * 86400
    for index in range(lots):
        lot_id = f"{prefix}-{index:05d}"
        client.send("PUT", f"/v1/lots/{lot_id}", {"name": lot_id, "kind": "public",
                                                  "location": {"lat": 26.5, "lon": 106.7},
                                                  "capacity": 500})
    before = None
    for index in range(lots):
        if before is None:
            before = used_memory(client.daemon)
        samples = [{"time": stamp(first + d * 86400 + at), "occupied": count}
                   for d in range(days) for at, count in samples_of_day]
        client.send("POST", f"/v1/lots/{prefix}-{index:05d}/history", samples)
    return (used_memory(client.daemon) - before) / (lots * days)


def first_counts(client, lots):
    """Bytes per lot of a first count, and of a lot with its first count (the bench's fill)."""
    empty = used_memory(client.daemon)
    for index in range(lots):
        client.send("PUT", f"/v1/lots/first-{index:05d}", {"name": "First", "kind": "public",
                                                          "location": {"lat": 26.5, "lon": 106.7},
                                                          "capacity": 100})
    before = used_memory(client.daemon)
    for index in range(lots):
        client.send("POST", f"/v1/lots/first-{index:05d}/occupancy", {"occupied": index % 100})
    after = used_memory(client.daemon)
    return (after - before) / lots, (after - empty) / lots


def memory(server):
    bench.SERVER = server
    workdir = tempfile.mkdtemp(prefix="parkshare-history-cost-")
    daemon = bench.Daemon(workdir)
    try:
        client = Client(daemon)
        client.daemon = daemon
        every_minute = [(60 * m + 30, 100 + (m * 37) % 300) for m in range(1440)]
        first, whole = first_counts(client, 5000)
        return {"first count, per lot": first, "a lot and its first count, per lot": whole,
                "quiet lot-day (a count a day)": import_days(client, 1000, "quiet", 30, 0,
                                                             [(43200, 7)]),
                "busy lot-day (a count a minute)": import_days(client, 50, "busy", 8, 0,
                                                               every_minute),
                "busy lot-day, 40 days ago": import_days(client, 50, "old", 8, 40, every_minute)}
    finally:
        daemon.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def cli(socket_path, *arguments):
    return subprocess.run(["redis-cli", "-s", socket_path] + list(arguments),
                          capture_output=True, text=True, check=True).stdout.strip()


def write_cost(socket_path, sha, source, groups, requests=50000):
    """µs of Redis time per write of the script sha (of source), the lot in groups
    (",a,b," or "")."""
    token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
    if groups:
        cli(socket_path, "HSET", "ps:lot:costed", "groups", groups)
    else:
        cli(socket_path, "HDEL", "ps:lot:costed", "groups")
    cli(socket_path, "CONFIG", "RESETSTAT")
    subprocess.run(bench.pinned(["redis-benchmark", "-s", socket_path, "-c", "50", "-n",
                                 str(requests), "-r", "100000000", "-q", "EVALSHA", sha] +
                                bench.occupancy_call(source, "costed", token_hash,
                                                     "k-__rand_int__"), 1),
                   capture_output=True, text=True, check=True)
    line = re.search(r"cmdstat_evalsha:calls=(\d+),usec=(\d+)",
                     cli(socket_path, "INFO", "commandstats"))
    return int(line.group(2)) / int(line.group(1))


def writes(old_source, new_source):
    workdir = tempfile.mkdtemp(prefix="parkshare-history-cost-")
    socket_path = os.path.join(workdir, "redis.sock")
    server = subprocess.Popen(bench.pinned(["redis-server", "--port", "0", "--unixsocket",
                                            socket_path, "--dir", workdir, "--appendonly", "yes",
                                            "--appendfsync", "always", "--save", "",
                                            "--hash-max-listpack-value", "8192"], 0),
                              stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(socket_path):
                break
            time.sleep(0.05)
        time.sleep(0.2)
        token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
        cli(socket_path, "HSET", f"ps:token:{token_hash}", "id", "tok_cost", "role", "admin",
            "scope", "")
        cli(socket_path, "HSET", "ps:lot:costed", "json", '{"name":"Costed"}', "capacity",
            "10000000", "occupied", "0", "version", "1", "updated_at", "0")
        old_sha = cli(socket_path, "SCRIPT", "LOAD", old_source)
        new_sha = cli(socket_path, "SCRIPT", "LOAD", new_source)
        costs = {"before": [], "after": [], "after, 1 group": [], "after, 3 groups": []}
        for _ in range(ROUNDS):
            cli(socket_path, "HSET", "ps:lot:costed", "occupied", "0")
            costs["before"].append(write_cost(socket_path, old_sha, old_source, ""))
            cli(socket_path, "HSET", "ps:lot:costed", "occupied", "0")
            costs["after"].append(write_cost(socket_path, new_sha, new_source, ""))
            costs["after, 1 group"].append(write_cost(socket_path, new_sha, new_source, ",g1,"))
            costs["after, 3 groups"].append(write_cost(socket_path, new_sha, new_source,
                                                       ",g1,g2,g3,"))
        return costs
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    before_server = os.path.join(os.path.abspath(sys.argv[1]), "server", "parkshare-server")
    revision = sys.argv[2] if len(sys.argv) > 2 else "main"
    old_source = bench.occupancy_source(revision)
    new_source = bench.occupancy_source()
    after_server = bench.SERVER
    results = {"before": memory(before_server), "after": memory(after_server)}
    print("Redis memory (INFO memory used_memory, before / after):")
    for name in results["after"]:
        print(f"  {name:34} {results['before'][name]:9,.0f} / {results['after'][name]:7,.0f} "
              "bytes")
    print(f"Redis time per write (µs, INFO commandstats, {ROUNDS} rounds alternating):")
    for name, values in writes(old_source, new_source).items():
        print(f"  {name:16} " + ", ".join(f"{v:.2f}" for v in values) +
              f"; median {sorted(values)[len(values) // 2]:.2f}")


if __name__ == "__main__":
    main()
