#!/usr/bin/env python3
"""bench_history.py: the write cost of the history fold, before and after, side by side.

usage: BENCH_DURATION=3s python3 tools/bench_history.py BEFORE_BUILD [REV]

Alternates, three rounds each, on the same machine in one run:
  1. POST /v1/lots/{id}/occupancy through wrk against the daemon of BEFORE_BUILD
     (a build without the fold) and of BUILD (default build/), as tools/bench.py does;
  2. redis-benchmark EVALSHA of occupancy.lua as it was at REV (default main) and
     as it is now, on one Redis, so that only the script differs.
It reports; it never fails.
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

ROUNDS = 3


def daemon_writes(server, workdir):
    bench.SERVER = server
    daemon = bench.Daemon(workdir)
    try:
        lot_id = daemon.first_lot_id()
        token = daemon.admin_token()
        script = os.path.join(workdir, "write.lua")
        with open(script, "w") as out:
            out.write(bench.WRITE_SCRIPT % (token, f"/v1/lots/{lot_id}/occupancy"))
        rate, errors = bench.wrk(daemon.url(f"/v1/lots/{lot_id}/occupancy"), script)
        return rate, errors, daemon, lot_id, token
    except BaseException:
        daemon.stop()
        raise


def script_rate(daemon, lot_id, token, source):
    socket_path = os.path.join(daemon.data_dir, "redis.sock")
    sha = subprocess.run(["redis-cli", "-s", socket_path, "SCRIPT", "LOAD", source],
                         capture_output=True, text=True, check=True).stdout.strip()
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    command = ["redis-benchmark", "-s", socket_path, "-c", str(bench.CONNECTIONS), "-n", "100000",
               "-r", "100000000", "-q", "EVALSHA", sha] + \
        bench.occupancy_call(source, lot_id, token_hash, "bench-__rand_int__")
    output = subprocess.run(bench.pinned(command, 1), capture_output=True, text=True,
                            check=True).stdout
    return float(re.findall(r"([\d.]+) requests per second", output)[-1])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    before_server = os.path.join(sys.argv[1], "server", "parkshare-server")
    revision = sys.argv[2] if len(sys.argv) > 2 else "main"
    old_source = bench.occupancy_source(revision)
    new_source = bench.occupancy_source()
    rates = {"before": [], "after": [], "script before": [], "script after": []}
    for _ in range(ROUNDS):
        for name, server in (("before", before_server), ("after", bench.SERVER)):
            workdir = tempfile.mkdtemp(prefix="parkshare-bench-")
            rate, errors, daemon, lot_id, token = daemon_writes(server, workdir)
            try:
                rates[name].append(rate if not errors else float("nan"))
                if name == "after":
                    rates["script before"].append(script_rate(daemon, lot_id, token, old_source))
                    rates["script after"].append(script_rate(daemon, lot_id, token, new_source))
            finally:
                daemon.stop()
    for name, values in rates.items():
        print(f"{name:14} " + ", ".join(f"{v:,.0f}/s" for v in values) +
              f"; best {max(values):,.0f}/s")
    print(f"POST occupancy, after / before (best of {ROUNDS}): "
          f"{max(rates['after']) / max(rates['before']):.2f}; EVALSHA occupancy.lua, after / "
          f"before: {max(rates['script after']) / max(rates['script before']):.2f}")


if __name__ == "__main__":
    main()
