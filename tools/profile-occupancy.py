#!/usr/bin/env python3
"""profile-occupancy.py: where the occupancy script's time goes, by Redis's own counters.

Redis counts the commands a script calls in INFO commandstats, with their
time, like any other command. This tool starts a private redis-server on a
unix socket (append-only, fsync always, as the embedded Redis runs), stores
one lot and one admin token, runs the real server/scripts/occupancy.lua
(as the daemon loads it, includes expanded) under redis-benchmark (a fresh
Idempotency-Key each call, as the bench's HTTP writes send), and prints,
per write: the script's whole time, each command it called, and the rest,
which is Lua itself (argument handling, string.format, cjson). The minimal
bounded-counter script of tools/bench.py is profiled the same way for
comparison. Figures are microseconds of Redis time per write; they exclude
the network, the fsync and redis-benchmark.

    python3 tools/profile-occupancy.py [--requests N] [--rounds R]
                                       [--against REV] [--blocks]

--against REV also profiles occupancy.lua as it was at git revision REV, on
the same Redis, the scripts taking turns for R rounds (default 3; the
median round of each is reported), and prints the two ratios to the minimal
counter side by side. --blocks times each block of the script by running
copies of it that return early at the start of each block (the markers
below), R rounds each in turns: a block's cost is the difference between
the copies that stop after it and before it. Every run starts from an
empty database but for the token and the lot; Redis runs on core 0 and
redis-benchmark on core 1, as in tools/bench.py.
"""

import argparse
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
from bench import MINIMAL_SCRIPT, occupancy_call, occupancy_source, pinned  # noqa: E402

CONNECTIONS = 50
TOKEN = "bench-profile-token"
TOKEN_HASH = hashlib.sha256(TOKEN.encode()).hexdigest()
LOT = "profiled"

# Where each block of occupancy.lua begins, by its first line; those of the
# scripts before and after 2026-11-30 (a marker a script lacks is skipped).
BLOCKS = [
    ("token check (HMGET)", r"^local token(_key)? = "),
    ("idempotency read", r"^-- A retry with the same key"),
    ("lot read (HMGET), clamp", r"^-- Space types: which count"),
    ("the time (TIME)", r"^local time = redis\.call\('TIME'\)"),
    ("audit entry (XADD), its time", r"^-- The audit entry first"),
    ("lot write (HSET)", r"^redis\.call\('HSET', KEYS\[1\]"),
    ("answer, idempotency write", r"^local answer = "),
    ("history fold (another block's owner)", r"^-- History:"),
    ("audit entry (XADD)", r"^local kind = "),
    ("change message (PUBLISH)", r"^-- Formatted, not cjson"),
    ("the reply", r"^-- The count as stored"),
]


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


def seed(socket_path):
    """An empty database but for the admin token and the lot: every run starts alike (the
    keys a run leaves, one per write, would make the next runs' lookups slower)."""
    cli(socket_path, "FLUSHALL")
    cli(socket_path, "HSET", f"ps:token:{TOKEN_HASH}", "id", "tok_profile", "role", "admin",
        "scope", "")
    cli(socket_path, "HSET", f"ps:lot:{LOT}", "json", '{"name":"Profiled"}', "capacity",
        "1000000000", "occupied", "0", "version", "1", "updated_at", "0")


def measure(socket_path, arguments, requests):
    """(µs of Redis time per call, {command: (calls, usec)}) of one redis-benchmark run."""
    seed(socket_path)
    cli(socket_path, "CONFIG", "RESETSTAT")
    subprocess.run(pinned(["redis-benchmark", "-s", socket_path, "-c", str(CONNECTIONS), "-n",
                           str(requests), "-r", "100000000", "-q"] + arguments, 1),
                   capture_output=True, text=True, check=True)
    stats = command_stats(socket_path)
    calls, total = stats.pop("evalsha")
    for name in ("config|resetstat", "config|get", "info", "ping"):
        stats.pop(name, None)
    return total / calls, calls, stats


def median_of(socket_path, runs, rounds, requests):
    """Each named run's median round (by its time per call); the runs take turns, so that
    other work on the machine falls on them alike."""
    results = {name: [] for name in runs}
    for _ in range(rounds):
        for name, arguments in runs.items():
            results[name].append(measure(socket_path, arguments, requests))
    return {name: sorted(rows, key=lambda row: row[0])[len(rows) // 2]
            for name, rows in results.items()}


def print_profile(label, result):
    per_write, calls, stats = result
    print(f"\n{label}: {calls:,} calls, {per_write:.2f} µs of Redis time per write")
    inner = 0.0
    for name, (count, usec) in sorted(stats.items(), key=lambda item: -item[1][1]):
        share = usec / calls
        inner += share
        print(f"  {name:<10} {count / calls:4.1f} a write  {share:6.2f} µs "
              f"({share / per_write * 100:4.1f} %)")
    rest = per_write - inner
    print(f"  {'Lua':<10} {'':>13}  {rest:6.2f} µs ({rest / per_write * 100:4.1f} %): "
          "the interpreter, argument handling, string.format and cjson")


def truncated(source):
    """[(label, source returning at the start of that block)], in the script's order."""
    lines = source.split("\n")
    found = []
    for label, pattern in BLOCKS:
        for index, line in enumerate(lines):
            if re.match(pattern, line):
                found.append((index, label))
                break
    found.sort()
    return [(label, "\n".join(lines[:index] + ["do return 0 end"] + lines[index:]))
            for index, label in found]


def profile_blocks(socket_path, scripts, rounds, requests):
    """Per script, a table of each block's µs: the copies stopping before it and after it."""
    runs, plan = {}, {}
    for name, (source, arguments) in scripts.items():
        steps = [("the call itself: KEYS, ARGV, the reply", None)]
        for label, text in truncated(source):
            sha = cli(socket_path, "SCRIPT", "LOAD", text)
            runs[f"{name}/{label}"] = ["EVALSHA", sha] + arguments[2:]
            steps.append((label, f"{name}/{label}"))
        runs[f"{name}/whole"] = arguments
        plan[name] = steps + [(None, f"{name}/whole")]
    typical = median_of(socket_path, runs, rounds, requests)
    for name, steps in plan.items():
        print(f"\n{name}, block by block (µs of Redis time per write, median of {rounds}):")
        previous = 0.0
        for (label, _), (_, until) in zip(steps, steps[1:]):
            reached = typical[until][0]
            print(f"  {label:<40} {reached - previous:6.2f}")
            previous = reached
        print(f"  {'whole script':<40} {previous:6.2f}")


def start_redis(workdir):
    socket_path = os.path.join(workdir, "redis.sock")
    server = subprocess.Popen(pinned(["redis-server", "--port", "0", "--unixsocket",
                                      socket_path, "--dir", workdir, "--appendonly", "yes",
                                      "--appendfsync", "always", "--save", "",
                                      "--hash-max-listpack-value", "8192"], 0),
                              stdout=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(socket_path):
            break
        time.sleep(0.05)
    return server, socket_path


def main():
    parser = argparse.ArgumentParser(description="The occupancy script's Redis time.")
    parser.add_argument("requests_positional", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", metavar="REV")
    parser.add_argument("--blocks", action="store_true")
    options = parser.parse_args()
    requests = options.requests_positional or options.requests
    for tool in ("redis-server", "redis-cli", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit(f"profile-occupancy: {tool} is missing (make bench installs it)")
    workdir = tempfile.mkdtemp(prefix="parkshare-profile-")
    server, socket_path = start_redis(workdir)
    try:
        token_hash = TOKEN_HASH
        scripts = {"occupancy.lua": occupancy_source()}
        if options.against:
            scripts[f"occupancy.lua at {options.against}"] = occupancy_source(options.against)
        calls = {}
        for name, source in scripts.items():
            sha = cli(socket_path, "SCRIPT", "LOAD", source)
            calls[name] = (source, ["EVALSHA", sha] +
                           occupancy_call(source, LOT, token_hash, "k-__rand_int__"))
        minimal = cli(socket_path, "SCRIPT", "LOAD", MINIMAL_SCRIPT)
        runs = {name: arguments for name, (_, arguments) in calls.items()}
        runs["minimal"] = ["EVALSHA", minimal, "2", "bench:counter", "bench:audit", "1",
                           "1000000000", "bench:changes"]
        typical = median_of(socket_path, runs, options.rounds if options.against else 1, requests)
        for name in calls:
            print_profile(f"{name} (delta 1, an Idempotency-Key each)", typical[name])
        print_profile("minimal bounded counter (tools/bench.py)", typical["minimal"])
        print()
        for name in calls:
            print(f"{name}: {typical[name][0]:.2f} µs a write, minimal counter / it = "
                  f"{typical['minimal'][0] / typical[name][0]:.2f}")
        if options.blocks:
            profile_blocks(socket_path, calls, options.rounds, requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
