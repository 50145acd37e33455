#!/usr/bin/env python3
"""profile-occupancy.py: where the occupancy script's time goes, by Redis's own counters.

Redis counts the commands a script calls in INFO commandstats, with their
time, like any other command. This tool starts a private redis-server on a
unix socket (append-only, fsync always, as the embedded Redis runs), stores
one lot and one admin token, runs the real server/scripts/occupancy.lua
under redis-benchmark (a fresh Idempotency-Key each call, as the bench's
HTTP writes send), and prints, per write: the script's whole time, each
command it called, and the rest, which is Lua itself (argument handling,
string.format, cjson). The minimal bounded-counter script of tools/bench.py
is profiled the same way for comparison. Figures are microseconds of Redis
time per write; they exclude the network, the fsync and redis-benchmark.

    python3 tools/profile-occupancy.py [requests]
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from bench import MINIMAL_SCRIPT  # noqa: E402

CONNECTIONS = 50
TOKEN = "bench-profile-token"


def cli(socket_path, *arguments):
    return subprocess.run(["redis-cli", "-s", socket_path] + list(arguments),
                          capture_output=True, text=True, check=True).stdout.strip()


def command_stats(socket_path):
    """{command: (calls, usec)} from INFO commandstats."""
    stats = {}
    for line in cli(socket_path, "INFO", "commandstats").splitlines():
        match = re.match(r"cmdstat_([a-z|]+):calls=(\d+),usec=(\d+)", line)
        if match:
            stats[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    return stats


def profile(socket_path, label, benchmark_arguments, requests):
    cli(socket_path, "CONFIG", "RESETSTAT")
    subprocess.run(["redis-benchmark", "-s", socket_path, "-c", str(CONNECTIONS), "-n",
                    str(requests), "-r", "100000000", "-q"] + benchmark_arguments,
                   capture_output=True, text=True, check=True)
    stats = command_stats(socket_path)
    calls, total = stats.pop("evalsha")
    print(f"\n{label}: {calls:,} calls, {total / calls:.2f} µs of Redis time per write")
    inner = 0.0
    for name, (count, usec) in sorted(stats.items(), key=lambda item: -item[1][1]):
        if name in ("config|resetstat", "info", "ping"):
            continue
        per_write = usec / calls
        inner += per_write
        print(f"  {name:<10} {count / calls:4.1f} a write  {per_write:6.2f} µs "
              f"({per_write / (total / calls) * 100:4.1f} %)")
    rest = total / calls - inner
    print(f"  {'Lua':<10} {'':>13}  {rest:6.2f} µs ({rest / (total / calls) * 100:4.1f} %): "
          "the interpreter, argument handling, string.format and cjson")


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    for tool in ("redis-server", "redis-cli", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit(f"profile-occupancy: {tool} is missing (make bench installs it)")
    workdir = tempfile.mkdtemp(prefix="parkshare-profile-")
    socket_path = os.path.join(workdir, "redis.sock")
    server = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", socket_path,
                               "--dir", workdir, "--appendonly", "yes", "--appendfsync",
                               "always", "--save", "", "--hash-max-listpack-value", "8192"],
                              stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(socket_path):
                break
            time.sleep(0.05)
        token_hash = hashlib.sha256(TOKEN.encode()).hexdigest()
        cli(socket_path, "HSET", f"ps:token:{token_hash}", "id", "tok_profile", "role", "admin",
            "scope", "")
        cli(socket_path, "HSET", "ps:lot:profiled", "json", '{"name":"Profiled"}', "capacity",
            "1000000000", "occupied", "0", "version", "1", "updated_at", "0")
        source = open(os.path.join(ROOT, "server", "scripts", "occupancy.lua")).read()
        sha = cli(socket_path, "SCRIPT", "LOAD", source)
        profile(socket_path, "occupancy.lua (delta 1, an Idempotency-Key each)",
                ["EVALSHA", sha, "6", "ps:lot:profiled", "ps:idem:profiled:k-__rand_int__",
                 f"ps:token:{token_hash}", "ps:audit:profiled", "ps:audit",
                 "ps:idem:k-__rand_int__", "profiled", "delta", "1", "1", "profiled delta 1",
                 "86400", "127.0.0.1", "ps:changes:0", "1000000", "ps:hist:profiled:",
                 str(400 * 86400), ""], requests)
        minimal = cli(socket_path, "SCRIPT", "LOAD", MINIMAL_SCRIPT)
        profile(socket_path, "minimal bounded counter (tools/bench.py)",
                ["EVALSHA", minimal, "2", "bench:counter", "bench:audit", "1", "1000000000",
                 "bench:changes"], requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
