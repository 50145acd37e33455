#!/usr/bin/env python3
"""bench_writes.py: occupancy writes before and after a change, side by side in one run.

usage: BENCH_DURATION=3s python3 tools/bench_writes.py BEFORE_BUILD [REV] [ROUNDS]

BEFORE_BUILD is a build directory of the code before (e.g. of main), REV the
git revision whose server/scripts/occupancy.lua it runs (default main);
after is BUILD (default build/) and the work tree's script. For ROUNDS
rounds (default 3), before and after take turns, each with a daemon of its
own (the demo city, as tools/bench.py runs it), measuring what make bench
measures:
  1. POST /v1/lots/{id}/occupancy through wrk (a fresh Idempotency-Key each);
  2. redis-benchmark EVALSHA of its occupancy.lua on the daemon's Redis;
  3. redis-benchmark EVALSHA of the minimal bounded counter on the same Redis.
Rates: each round gives each side make bench's ratios 1/3 and 2/3, measured
seconds apart. CPU: the same runs also count the CPU time the daemon and its
Redis spent (/proc/PID/stat), per call (and the daemon's alone per POST),
which other work on a busy machine disturbs far less than it disturbs a rate; the ratios of CPU per call are
3/1 and 3/2 (how many minimal counter calls cost what one write costs is the
inverse). The median round of each side is reported. It never fails.
"""

import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

REQUESTS = 50000
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """User and system CPU time of the processes pids, so far."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def redis_child(pid):
    """The daemon's embedded redis-server: its one child process."""
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            for child in children.read().split():
                with open(f"/proc/{child}/comm") as name:
                    if name.read().startswith("redis-server"):
                        return int(child)
    raise RuntimeError("the daemon has no redis-server child")


def posts(daemon, workdir, lot_id, token):
    """(writes/s, writes, non-2xx answers) of wrk posting occupancy updates."""
    script = os.path.join(workdir, "write.lua")
    with open(script, "w") as out:
        out.write(bench.WRITE_SCRIPT % (token, f"/v1/lots/{lot_id}/occupancy"))
    command = ["wrk", "-t1", f"-c{bench.CONNECTIONS}", f"-d{bench.DURATION}", "-s", script,
               daemon.url(f"/v1/lots/{lot_id}/occupancy")]
    output = subprocess.run(bench.pinned(command, 1), capture_output=True, text=True,
                            check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            int(re.search(r"(\d+) requests in", output).group(1)),
            int(errors.group(1)) if errors else 0)


def measure(server, source, workdir):
    """{name: (calls/s, CPU µs per call)} for the POSTs, the script and the minimal counter."""
    bench.SERVER = server
    daemon = bench.Daemon(workdir)
    try:
        lot_id = daemon.first_lot_id()
        token = daemon.admin_token()
        redis = redis_child(daemon.process.pid)
        socket_path = os.path.join(daemon.data_dir, "redis.sock")
        both = [daemon.process.pid, redis]
        result = {}
        before, daemon_before = cpu_seconds(both), cpu_seconds([daemon.process.pid])
        rate, count, errors = posts(daemon, workdir, lot_id, token)
        result["POST"] = (rate, (cpu_seconds(both) - before) / count * 1e6, errors)
        # The daemon's own share of a write (its Redis excluded).
        result["daemon"] = (rate, (cpu_seconds([daemon.process.pid]) - daemon_before) / count
                            * 1e6, errors)
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        runs = {"script": ["-r", "100000000", "EVALSHA", bench.redis_benchmark_load(
                    socket_path, source)] + bench.occupancy_call(source, lot_id, token_hash,
                                                                 "bench-__rand_int__"),
                "minimal": ["EVALSHA", bench.redis_benchmark_load(socket_path,
                                                                  bench.MINIMAL_SCRIPT),
                            "2", "bench:counter", "bench:audit", "1", "100", "bench:changes"]}
        for name, arguments in runs.items():
            before = cpu_seconds([redis])
            rate = bench.redis_benchmark_rate(socket_path, arguments, REQUESTS)
            result[name] = (rate, (cpu_seconds([redis]) - before) / REQUESTS * 1e6, 0)
        return result
    finally:
        daemon.stop()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    revision = sys.argv[2] if len(sys.argv) > 2 else "main"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    sides = {"before": (os.path.join(sys.argv[1], "server", "parkshare-server"),
                        bench.occupancy_source(revision)),
             "after": (bench.SERVER, bench.occupancy_source())}
    print(f"occupancy writes, before ({sys.argv[1]}, the script at {revision}) and after "
          f"({bench.BUILD}, the work tree's), {rounds} rounds in turns, wrk -c{bench.CONNECTIONS} "
          f"-d{bench.DURATION}, redis-benchmark -n {REQUESTS}; load average "
          f"{os.getloadavg()[0]:.2f} at the start")
    results = {name: [] for name in sides}
    for round_number in range(rounds):
        for name, (server, source) in sides.items():
            got = measure(server, source, tempfile.mkdtemp(prefix="parkshare-bench-"))
            results[name].append(got)
            print(f"  round {round_number + 1} {name:6}: " + "; ".join(
                f"{what} {rate:,.0f}/s {cpu:.1f} µs CPU" for what, (rate, cpu, _) in got.items())
                + f" ({got['POST'][2]} not 2xx)", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    for name, rows in results.items():
        def median(f):
            return statistics.median(f(row) for row in rows)
        print(f"{name:6}: rates, POST / minimal {median(lambda r: r['POST'][0] / r['minimal'][0]):.2f}"
              f", script / minimal {median(lambda r: r['script'][0] / r['minimal'][0]):.2f}; "
              f"CPU per call, minimal / POST {median(lambda r: r['minimal'][1] / r['POST'][1]):.2f}"
              f", minimal / script {median(lambda r: r['minimal'][1] / r['script'][1]):.2f} "
              f"(POST {median(lambda r: r['POST'][1]):.1f} µs, of which the daemon "
              f"{median(lambda r: r['daemon'][1]):.1f} µs, script "
              f"{median(lambda r: r['script'][1]):.1f} µs, minimal "
              f"{median(lambda r: r['minimal'][1]):.1f} µs; medians of {rounds})")


if __name__ == "__main__":
    main()
